/** Named markers of instructions hidden in data (tool results) aimed at the model. */
const MARKERS: readonly { readonly name: string; readonly re: RegExp }[] = [
  {
    name: 'ignore_previous_instructions',
    re: /\b(?:ignore|disregard|forget)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|all)\b[^.\n]{0,20}\b(?:instructions?|prompts?|rules|messages)\b/i,
  },
  { name: 'new_instructions', re: /\b(?:new|updated|real)\s+(?:system\s+)?instructions\s*:/i },
  { name: 'system_prompt_reference', re: /\b(?:reveal|print|show|repeat)\b[^.\n]{0,30}\bsystem\s+prompt\b/i },
  {
    name: 'role_override',
    re: /\byou\s+are\s+now\b|\bact\s+as\s+(?:an?\s+)?(?:admin|administrator|root|developer|system)\b/i,
  },
  { name: 'chat_template_token', re: /<\|(?:im_start|im_end|system|endoftext)\|>|\[\/?INST\]|<<SYS>>/i },
  { name: 'fake_role_header', re: /^\s*(?:#+\s*)?(?:system|assistant)\s*:/im },
];

/** Names of the prompt-injection markers found in `text` (in table order; empty when none). */
export function findInjectionMarkers(text: string): readonly string[] {
  return MARKERS.filter((m) => m.re.test(text)).map((m) => m.name);
}
