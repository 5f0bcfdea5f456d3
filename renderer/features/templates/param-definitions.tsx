/** The edit form's parameters: one group of fields per parameter (name, type, choices, default, required, Remove), and Add. */
import { TEMPLATE_LIMITS } from '../../../shared/templates.ts';
import { emptyParam, type ParamDraft, type ParamType } from './template-draft.ts';

const TYPES: { type: ParamType; words: string }[] = [
  { type: 'text', words: 'Text' },
  { type: 'number', words: 'Number' },
  { type: 'boolean', words: 'Yes or no' },
  { type: 'choice', words: 'Choice' },
];

export function ParamDefinitions({ params, onChange }: { params: ParamDraft[]; onChange: (params: ParamDraft[]) => void }) {
  const change = (key: number, patch: Partial<ParamDraft>) => onChange(params.map((p) => (p.key === key ? { ...p, ...patch } : p)));
  return (
    <section className="param-definitions" aria-labelledby="param-definitions-title">
      <h3 id="param-definitions-title">Parameters</h3>
      {params.length === 0 && <p className="muted small">None: it runs the same way every time.</p>}
      {params.map((p, i) => (
        <ParamRow key={p.key} param={p} index={i} onChange={(patch) => change(p.key, patch)} onRemove={() => onChange(params.filter((q) => q.key !== p.key))} />
      ))}
      <button
        type="button"
        className="secondary small"
        disabled={params.length >= TEMPLATE_LIMITS.maxParams}
        onClick={() => onChange([...params, emptyParam()])}
      >
        Add a parameter
      </button>
    </section>
  );
}

function ParamRow({
  param: p,
  index,
  onChange,
  onRemove,
}: {
  param: ParamDraft;
  index: number;
  onChange: (patch: Partial<ParamDraft>) => void;
  onRemove: () => void;
}) {
  const id = `param-${p.key}`;
  const title = `Parameter ${index + 1}${p.name.trim() ? `: ${p.name.trim()}` : ''}`;
  return (
    <fieldset className="param-row" data-testid="param-row">
      <legend>{title}</legend>
      <label htmlFor={`${id}-name`}>
        Name
        <input id={`${id}-name`} type="text" value={p.name} onChange={(e) => onChange({ name: e.target.value })} placeholder="who" autoComplete="off" />
      </label>
      <label htmlFor={`${id}-type`}>
        Type
        <select id={`${id}-type`} value={p.type} onChange={(e) => onChange({ type: e.target.value as ParamType, default: '' })}>
          {TYPES.map(({ type, words }) => (
            <option key={type} value={type}>
              {words}
            </option>
          ))}
        </select>
      </label>
      {p.type === 'choice' && (
        <label htmlFor={`${id}-choices`}>
          Choices
          <input
            id={`${id}-choices`}
            type="text"
            value={p.choices}
            onChange={(e) => onChange({ choices: e.target.value })}
            placeholder="debug, release"
            autoComplete="off"
          />
        </label>
      )}
      <DefaultField id={`${id}-default`} param={p} onChange={(value) => onChange({ default: value })} />
      <label className="check" htmlFor={`${id}-required`}>
        <input id={`${id}-required`} type="checkbox" checked={p.required} onChange={(e) => onChange({ required: e.target.checked })} /> Required
      </label>
      <button type="button" className="secondary small" onClick={onRemove} aria-label={`Remove ${title}`}>
        Remove
      </button>
    </fieldset>
  );
}

/** The default by type: typed text or a number, yes/no, or one of the choices; empty: none. */
function DefaultField({ id, param: p, onChange }: { id: string; param: ParamDraft; onChange: (value: string) => void }) {
  const options =
    p.type === 'boolean'
      ? [
          ['true', 'Yes'],
          ['false', 'No'],
        ]
      : p.type === 'choice'
        ? p.choices
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean)
            .map((c) => [c, c])
        : null;
  return (
    <label htmlFor={id}>
      Default
      {options ? (
        <select id={id} value={p.default} onChange={(e) => onChange(e.target.value)}>
          <option value="">(none)</option>
          {options.map(([value, words]) => (
            <option key={value} value={value}>
              {words}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          type={p.type === 'number' ? 'number' : 'text'}
          step={p.type === 'number' ? 'any' : undefined}
          value={p.default}
          onChange={(e) => onChange(e.target.value)}
          autoComplete="off"
        />
      )}
    </label>
  );
}
