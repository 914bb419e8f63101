// Edit screens for the record's simple lists (issue #5, case details): the people of the
// response with their roles and contact details, the affected assets, the affected tenants and
// customers with counts of people and records, and related cases. Each list shows its items with
// a remove button and has a form that checks what it can before the core checks it again.

import { useState, type FormEvent, type ReactNode } from 'react';
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

export function IncidentPeople({ record, vocab, readOnly, change }: Props) {
  const [name, setName] = useState('');
  const [role, setRole] = useState(vocab.roles[0] ?? '');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [notes, setNotes] = useState('');
  const errors = [checkEmail(email)].filter((e): e is string => e !== null);
  const { submit, problems } = useAdd(
    errors,
    () => change(() => inc.addPerson({ name: name.trim(), role, email: email.trim(), phone: phone.trim(), notes }), `Added ${name.trim()}`),
    () => {
      setName('');
      setEmail('');
      setPhone('');
      setNotes('');
    },
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
        <label>
          Name
          <input id="person-name" value={name} required disabled={readOnly} onChange={(e) => setName(e.target.value)} />
        </label>
        <VocabSelect id="person-role" label="Role" value={role} options={vocab.roles} disabled={readOnly} onChange={(v) => setRole(v ?? role)} />
        <label>
          E-mail
          <input id="person-email" type="email" value={email} disabled={readOnly} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Phone
          <input id="person-phone" type="tel" value={phone} disabled={readOnly} onChange={(e) => setPhone(e.target.value)} />
        </label>
        <label>
          Notes
          <input value={notes} disabled={readOnly} onChange={(e) => setNotes(e.target.value)} />
        </label>
        <button type="submit" id="add-person" disabled={readOnly || name.trim() === ''}>
          Add person
        </button>
      </form>
      {problems}
    </>
  );
}

export function IncidentAssets({ record, readOnly, change }: Omit<Props, 'vocab'>) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState('');
  const [notes, setNotes] = useState('');
  const { submit, problems } = useAdd(
    [],
    () => change(() => inc.addAsset({ name: name.trim(), kind: kind.trim(), notes }), `Added asset ${name.trim()}`),
    () => {
      setName('');
      setKind('');
      setNotes('');
    },
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
        <label>
          Name
          <input id="asset-name" value={name} required placeholder="bastion-01" disabled={readOnly} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Kind
          <input id="asset-kind" value={kind} list="asset-kinds" placeholder="host, account, service…" disabled={readOnly} onChange={(e) => setKind(e.target.value)} />
          <datalist id="asset-kinds">
            {['host', 'account', 'service', 'data store', 'network device', 'application'].map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
        </label>
        <label>
          Notes
          <input value={notes} disabled={readOnly} onChange={(e) => setNotes(e.target.value)} />
        </label>
        <button type="submit" id="add-asset" disabled={readOnly || name.trim() === ''}>
          Add asset
        </button>
      </form>
      {problems}
    </>
  );
}

export function IncidentParties({ record, readOnly, change }: Omit<Props, 'vocab'>) {
  const [kind, setKind] = useState('customer');
  const [name, setName] = useState('');
  const [people, setPeople] = useState('');
  const [records, setRecords] = useState('');
  const [notes, setNotes] = useState('');
  const p = parseCount('People affected', people);
  const r = parseCount('Records affected', records);
  const errors = [p, r].flatMap((c) => (c.ok ? [] : [c.error]));
  const { submit, problems } = useAdd(
    errors,
    () => {
      const party = {
        kind,
        name: name.trim(),
        people_affected: p.ok ? p.value : null,
        records_affected: r.ok ? r.value : null,
        notes,
      };
      return change(() => inc.addParty(party), `Added ${kind} ${name.trim()}`);
    },
    () => {
      setName('');
      setPeople('');
      setRecords('');
      setNotes('');
    },
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
        <VocabSelect id="party-kind" label="Kind" value={kind} options={['customer', 'tenant']} disabled={readOnly} onChange={(v) => setKind(v ?? kind)} />
        <label>
          Name
          <input id="party-name" value={name} required disabled={readOnly} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          People affected
          <input id="party-people" inputMode="numeric" value={people} disabled={readOnly} onChange={(e) => setPeople(e.target.value)} />
        </label>
        <label>
          Records affected
          <input id="party-records" inputMode="numeric" value={records} disabled={readOnly} onChange={(e) => setRecords(e.target.value)} />
        </label>
        <label>
          Notes
          <input value={notes} disabled={readOnly} onChange={(e) => setNotes(e.target.value)} />
        </label>
        <button type="submit" id="add-party" disabled={readOnly || name.trim() === ''}>
          Add {kind}
        </button>
      </form>
      {problems}
    </>
  );
}

export function IncidentRelated({ record, readOnly, change }: Omit<Props, 'vocab'>) {
  const [reference, setReference] = useState('');
  const [relation, setRelation] = useState('');
  const [notes, setNotes] = useState('');
  const { submit, problems } = useAdd(
    [],
    () => change(() => inc.addRelated({ reference: reference.trim(), relation: relation.trim(), notes }), `Added related case ${reference.trim()}`),
    () => {
      setReference('');
      setRelation('');
      setNotes('');
    },
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
        <label>
          Reference
          <input id="related-reference" value={reference} required placeholder="case id, ticket key or URL" disabled={readOnly} onChange={(e) => setReference(e.target.value)} />
        </label>
        <label>
          Relation
          <input id="related-relation" value={relation} list="relations" placeholder="same actor, duplicate, parent…" disabled={readOnly} onChange={(e) => setRelation(e.target.value)} />
          <datalist id="relations">
            {['same actor', 'duplicate', 'parent', 'child', 'follow-on'].map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
        </label>
        <label>
          Notes
          <input value={notes} disabled={readOnly} onChange={(e) => setNotes(e.target.value)} />
        </label>
        <button type="submit" id="add-related" disabled={readOnly || reference.trim() === ''}>
          Add related case
        </button>
      </form>
      {problems}
    </>
  );
}
