// Edit screens for the record's simple lists (issue #5, case details): the people of the
// response with their roles and contact details, the affected assets, the affected tenants and
// customers with counts of people and records, and related cases. Each list shows its items with
// a remove button and has a form that checks what it can before the core checks it again.

import { useState, type ChangeEvent, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import * as inc from '../api/incident';
import type { IncidentRecord, Vocabulary } from '../api/incident';
import { humanize } from '../lib/countdown';
import { formatCount } from '../lib/format';
import { checkEmail, parseCount } from '../lib/incidentInput';
import type { Change } from './IncidentDashboard';
import { VocabSelect } from './IncidentFields';

type Props = { record: IncidentRecord; vocab: Vocabulary; readOnly: boolean; change: Change };

type ListKey = 'person' | 'asset' | 'party' | 'related';

/** A list's items as a table, each row with a remove button; nothing when the list is empty. */
function ItemTable<T extends { id: number }>(props: {
  id: string;
  list: ListKey;
  items: T[];
  head: ReactNode[];
  cells: (item: T) => ReactNode[];
  label: (item: T) => string;
  /** Columns of numbers, right-aligned. */
  numeric?: number[];
  readOnly: boolean;
  change: Change;
}) {
  const { id, list, items, head, cells, label, numeric = [], readOnly, change } = props;
  const cls = (i: number) => (numeric.includes(i) ? 'num' : undefined);
  if (items.length === 0) return <p className="muted small">None recorded.</p>;
  return (
    <table id={id} className="record-table">
      <thead>
        <tr>
          {head.map((h, i) => (
            <th key={i} className={cls(i)}>
              {h}
            </th>
          ))}
          <th />
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.id} data-id={item.id}>
            {cells(item).map((c, i) => (
              <td key={i} className={cls(i)}>
                {c}
              </td>
            ))}
            <td className="row-end">
              <button
                type="button"
                className="link-button"
                disabled={readOnly}
                onClick={() => void change(() => inc.removeItem(list, item.id), `Removed ${label(item)}`)}
              >
                remove
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The submit handler of an add form: runs `add` when `errors` is empty, else shows them (and
 * keeps showing what is still wrong as the fields change); `reset` clears the form after a save.
 */
function useAdd(errors: string[], add: () => Promise<boolean>, reset: () => void) {
  const [tried, setTried] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (errors.length === 0 && (await add())) {
      reset();
      setTried(false);
    }
  };
  const problems =
    tried && errors.length > 0 ? (
      <div className="form-errors" role="alert">
        {errors.map((p) => (
          <p key={p} className="warn small">
            {p}
          </p>
        ))}
      </div>
    ) : null;
  return { submit, problems };
}

/**
 * An add form's text fields as one draft: `field(key)` gives an input its value and
 * onChange, `clear(keep)` empties every field but those in `keep` after a save.
 */
function useDraft<K extends string>(initial: Record<K, string>) {
  const [draft, setDraft] = useState(initial);
  const field = (key: K) => ({
    value: draft[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setDraft((d) => ({ ...d, [key]: e.target.value })),
  });
  const clear = (keep: K[] = []) =>
    setDraft((d) => {
      const next = { ...initial };
      for (const k of keep) next[k] = d[k];
      return next;
    });
  return { draft, field, clear, setDraft };
}

/** A labelled input; `suggestions` become a datalist the browser offers while typing. */
function Field({ label, suggestions, ...input }: { label: string; suggestions?: string[] } & InputHTMLAttributes<HTMLInputElement>) {
  const listId = suggestions && input.id ? `${input.id}-suggestions` : undefined;
  return (
    <label>
      {label}
      <input {...input} list={listId} />
      {listId && (
        <datalist id={listId}>
          {suggestions?.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
      )}
    </label>
  );
}

export function IncidentPeople({ record, vocab, readOnly, change }: Props) {
  const { draft, field, clear, setDraft } = useDraft({ name: '', role: vocab.roles[0] ?? '', email: '', phone: '', notes: '' });
  const name = draft.name.trim();
  const errors = [checkEmail(draft.email)].filter((e): e is string => e !== null);
  const { submit, problems } = useAdd(
    errors,
    () => change(() => inc.addPerson({ name, role: draft.role, email: draft.email.trim(), phone: draft.phone.trim(), notes: draft.notes }), `Added ${name}`),
    () => clear(['role']),
  );
  return (
    <>
      <h3>People and roles</h3>
      <ItemTable
        id="people-table"
        list="person"
        items={record.people}
        head={['Name', 'Role', 'E-mail', 'Phone', 'Notes']}
        cells={(p) => [
          p.name,
          humanize(p.role),
          p.email ? <a href={`mailto:${p.email}`}>{p.email}</a> : '—',
          <span className="mono">{p.phone || '—'}</span>,
          <span className="small">{p.notes}</span>,
        ]}
        label={(p) => p.name}
        readOnly={readOnly}
        change={change}
      />
      <form className="edit-row" onSubmit={submit}>
        <Field label="Name" id="person-name" required disabled={readOnly} {...field('name')} />
        <VocabSelect
          id="person-role"
          label="Role"
          value={draft.role}
          options={vocab.roles}
          disabled={readOnly}
          onChange={(v) => setDraft((d) => ({ ...d, role: v ?? d.role }))}
        />
        <Field label="E-mail" id="person-email" type="email" disabled={readOnly} {...field('email')} />
        <Field label="Phone" id="person-phone" type="tel" disabled={readOnly} {...field('phone')} />
        <Field label="Notes" disabled={readOnly} {...field('notes')} />
        <button type="submit" id="add-person" disabled={readOnly || name === ''}>
          Add person
        </button>
      </form>
      {problems}
    </>
  );
}

export function IncidentAssets({ record, readOnly, change }: Omit<Props, 'vocab'>) {
  const { draft, field, clear } = useDraft({ name: '', kind: '', notes: '' });
  const name = draft.name.trim();
  const { submit, problems } = useAdd(
    [],
    () => change(() => inc.addAsset({ name, kind: draft.kind.trim(), notes: draft.notes }), `Added asset ${name}`),
    () => clear(),
  );
  return (
    <>
      <h3>Affected assets</h3>
      <ItemTable
        id="assets-table"
        list="asset"
        items={record.assets}
        head={['Name', 'Kind', 'Notes']}
        cells={(a) => [<span className="mono">{a.name}</span>, a.kind || '—', <span className="small">{a.notes}</span>]}
        label={(a) => `asset ${a.name}`}
        readOnly={readOnly}
        change={change}
      />
      <form className="edit-row" onSubmit={submit}>
        <Field label="Name" id="asset-name" required placeholder="bastion-01" disabled={readOnly} {...field('name')} />
        <Field
          label="Kind"
          id="asset-kind"
          placeholder="host, account, service…"
          suggestions={['host', 'account', 'service', 'data store', 'network device', 'application']}
          disabled={readOnly}
          {...field('kind')}
        />
        <Field label="Notes" disabled={readOnly} {...field('notes')} />
        <button type="submit" id="add-asset" disabled={readOnly || name === ''}>
          Add asset
        </button>
      </form>
      {problems}
    </>
  );
}

export function IncidentParties({ record, readOnly, change }: Omit<Props, 'vocab'>) {
  const { draft, field, clear, setDraft } = useDraft({ kind: 'customer', name: '', people: '', records: '', notes: '' });
  const name = draft.name.trim();
  const p = parseCount('People affected', draft.people);
  const r = parseCount('Records affected', draft.records);
  const errors = [p, r].flatMap((c) => (c.ok ? [] : [c.error]));
  const { submit, problems } = useAdd(
    errors,
    () => {
      const party = {
        kind: draft.kind,
        name,
        people_affected: p.ok ? p.value : null,
        records_affected: r.ok ? r.value : null,
        notes: draft.notes,
      };
      return change(() => inc.addParty(party), `Added ${draft.kind} ${name}`);
    },
    () => clear(['kind']),
  );
  const count = (n: number | null) => (n === null ? '—' : formatCount(n));
  return (
    <>
      <h3>Affected tenants and customers</h3>
      <ItemTable
        id="parties-table"
        list="party"
        items={record.affected}
        head={['Kind', 'Name', 'People', 'Records', 'Notes']}
        numeric={[2, 3]}
        cells={(x) => [
          humanize(x.kind),
          x.name,
          <span className="mono">{count(x.people_affected)}</span>,
          <span className="mono">{count(x.records_affected)}</span>,
          <span className="small">{x.notes}</span>,
        ]}
        label={(x) => x.name}
        readOnly={readOnly}
        change={change}
      />
      {record.affected.length > 0 && (
        <p id="affected-totals" className="muted small">
          In all: {formatCount(record.affected.reduce((n, x) => n + (x.people_affected ?? 0), 0))} people,{' '}
          {formatCount(record.affected.reduce((n, x) => n + (x.records_affected ?? 0), 0))} records affected
        </p>
      )}
      <form className="edit-row" onSubmit={submit}>
        <VocabSelect
          id="party-kind"
          label="Kind"
          value={draft.kind}
          options={['customer', 'tenant']}
          disabled={readOnly}
          onChange={(v) => setDraft((d) => ({ ...d, kind: v ?? d.kind }))}
        />
        <Field label="Name" id="party-name" required disabled={readOnly} {...field('name')} />
        <Field label="People affected" id="party-people" inputMode="numeric" disabled={readOnly} {...field('people')} />
        <Field label="Records affected" id="party-records" inputMode="numeric" disabled={readOnly} {...field('records')} />
        <Field label="Notes" disabled={readOnly} {...field('notes')} />
        <button type="submit" id="add-party" disabled={readOnly || name === ''}>
          Add {draft.kind}
        </button>
      </form>
      {problems}
    </>
  );
}

export function IncidentRelated({ record, readOnly, change }: Omit<Props, 'vocab'>) {
  const { draft, field, clear } = useDraft({ reference: '', relation: '', notes: '' });
  const reference = draft.reference.trim();
  const { submit, problems } = useAdd(
    [],
    () => change(() => inc.addRelated({ reference, relation: draft.relation.trim(), notes: draft.notes }), `Added related case ${reference}`),
    () => clear(),
  );
  return (
    <>
      <h3>Related cases</h3>
      <ItemTable
        id="related-table"
        list="related"
        items={record.related}
        head={['Reference', 'Relation', 'Notes']}
        cells={(x) => [<span className="mono break">{x.reference}</span>, x.relation || '—', <span className="small">{x.notes}</span>]}
        label={(x) => `related case ${x.reference}`}
        readOnly={readOnly}
        change={change}
      />
      <form className="edit-row" onSubmit={submit}>
        <Field label="Reference" id="related-reference" required placeholder="case id, ticket key or URL" disabled={readOnly} {...field('reference')} />
        <Field
          label="Relation"
          id="related-relation"
          placeholder="same actor, duplicate, parent…"
          suggestions={['same actor', 'duplicate', 'parent', 'child', 'follow-on']}
          disabled={readOnly}
          {...field('relation')}
        />
        <Field label="Notes" disabled={readOnly} {...field('notes')} />
        <button type="submit" id="add-related" disabled={readOnly || reference === ''}>
          Add related case
        </button>
      </form>
      {problems}
    </>
  );
}
