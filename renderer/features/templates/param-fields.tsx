/**
 * A saved command's parameters as form fields, for Run and for a schedule: a text or number input, a
 * checkbox or a select by type; required ones marked; defaults filled in. The coordinator checks the
 * values and says in a sentence what is wrong, so the browser's own validation stays out of the way.
 */
import type { ParamDefinition, ParamValues } from '../../lib/api-types.ts';

/** The fields' values by parameter name: text as typed, a checkbox's state. */
export type ParamInput = Record<string, string | boolean>;

/** Each field's starting value: the one given (a schedule's), else the parameter's default, else empty. */
export function initialValues(params: readonly ParamDefinition[], given: ParamValues = {}): ParamInput {
  const values: ParamInput = {};
  for (const p of params) {
    // A required choice without a default shows its first choice: that is what it starts as.
    const value = given[p.name] ?? p.default ?? (p.type === 'choice' && p.required ? p.choices[0] : undefined);
    values[p.name] = p.type === 'boolean' ? value === true || value === 'true' : value === undefined ? '' : String(value);
  }
  return values;
}

/** What is sent: booleans as they are, numbers as numbers when they read as one; an empty field is left out (its default applies). */
export function valuesOf(params: readonly ParamDefinition[], input: ParamInput): ParamValues {
  const values: ParamValues = {};
  for (const p of params) {
    const value = input[p.name];
    if (typeof value === 'boolean') values[p.name] = value;
    else if (value !== undefined && value !== '') values[p.name] = p.type === 'number' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return values;
}

export function ParamFields({
  params,
  values,
  onChange,
  idPrefix,
}: {
  params: readonly ParamDefinition[];
  values: ParamInput;
  onChange: (values: ParamInput) => void;
  idPrefix: string;
}) {
  if (params.length === 0) return <p className="muted small">It takes no parameters.</p>;
  return (
    <div className="param-fields">
      {params.map((p) => (
        <ParamField key={p.name} param={p} id={`${idPrefix}-${p.name}`} value={values[p.name] ?? ''} onChange={(v) => onChange({ ...values, [p.name]: v })} />
      ))}
    </div>
  );
}

function ParamField({
  param: p,
  id,
  value,
  onChange,
}: {
  param: ParamDefinition;
  id: string;
  value: string | boolean;
  onChange: (value: string | boolean) => void;
}) {
  const required = p.required ? <span className="required-mark"> (required)</span> : null;
  if (p.type === 'boolean')
    return (
      <label className="check" htmlFor={id}>
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {p.name}
        {required}
      </label>
    );
  const text = typeof value === 'string' ? value : '';
  return (
    <>
      <label htmlFor={id}>
        {p.name}
        {required}
      </label>
      {p.type === 'choice' ? (
        <select id={id} value={text} onChange={(e) => onChange(e.target.value)} aria-required={p.required || undefined}>
          {!p.required && <option value="">(none)</option>}
          {p.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          type={p.type === 'number' ? 'number' : 'text'}
          step={p.type === 'number' ? 'any' : undefined}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          aria-required={p.required || undefined}
          autoComplete="off"
        />
      )}
    </>
  );
}
