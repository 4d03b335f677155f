/** `_meta` key of the structured gateway error on an `isError` result. */
export const META_ERROR = 'io.brainwav/error';
