import type { FieldSpec } from '../lib/schemaForm.js';

/** Props of the generated argument fields. */
export interface SchemaFieldsProps {
  fields: FieldSpec[];
  values: Record<string, string | boolean>;
  onChange: (name: string, value: string | boolean) => void;
}

function Field({
  field,
  value,
  onChange,
}: {
  field: FieldSpec;
  value: string | boolean;
  onChange: SchemaFieldsProps['onChange'];
}): React.JSX.Element {
  const id = `arg-${field.name}`;
  const hintId = field.description ? `${id}-hint` : undefined;
  const label = (
    <label htmlFor={id}>
      {field.label}
      {field.required ? <span className="req"> (required)</span> : null}
    </label>
  );
  const common = { id, name: field.name, 'aria-describedby': hintId, required: field.required };
  let control: React.JSX.Element;
  if (field.kind === 'boolean') {
    control = (
      <input
        {...common}
        type="checkbox"
        checked={value === true}
        onChange={(e) => onChange(field.name, e.target.checked)}
      />
    );
  } else if (field.kind === 'enum') {
    control = (
      <select {...common} value={String(value)} onChange={(e) => onChange(field.name, e.target.value)}>
        {field.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'json') {
    control = (
      <textarea
        {...common}
        rows={3}
        value={String(value)}
        onChange={(e) => onChange(field.name, e.target.value)}
      />
    );
  } else {
    const numeric = field.kind === 'number' || field.kind === 'integer';
    control = (
      <input
        {...common}
        type={numeric ? 'number' : 'text'}
        step={field.kind === 'integer' ? 1 : numeric ? 'any' : undefined}
        value={String(value)}
        onChange={(e) => onChange(field.name, e.target.value)}
      />
    );
  }
  return (
    <div className={field.kind === 'boolean' ? 'field field-check' : 'field'}>
      {label}
      {control}
      {hintId ? (
        <p id={hintId} className="hint">
          {field.description}
        </p>
      ) : null}
    </div>
  );
}

/** Inputs generated from a tool's JSON Schema. */
export function SchemaFields({ fields, values, onChange }: SchemaFieldsProps): React.JSX.Element {
  if (fields.length === 0) return <p className="hint">This tool takes no arguments.</p>;
  return (
    <>
      {fields.map((field) => (
        <Field
          key={field.name}
          field={field}
          value={values[field.name] ?? field.defaultValue}
          onChange={onChange}
        />
      ))}
    </>
  );
}
