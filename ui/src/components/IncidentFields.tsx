// Small form pieces shared by the incident record's edit screens: a labelled select over one of
// the core's vocabularies, and conversions between the UI's time inputs and the core's UTC text.

import { humanize } from '../lib/countdown';

type SelectProps = {
  id?: string;
  label: string;
  value: string | null;
  options: string[];
  /** Offer an empty choice (shown as this text) that maps to null. */
  empty?: string;
  disabled?: boolean;
  onChange: (value: string | null) => void;
};

export function VocabSelect({ id, label, value, options, empty, disabled, onChange }: SelectProps) {
  return (
    <label>
      {label}
      <select
        id={id}
        value={value ?? ''}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      >
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {humanize(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** "2026-03-14T02:11:09.000000Z" → "2026-03-14 02:11:09" for a text input; null → "". */
export function timeInput(ts: string | null): string {
  if (ts === null) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(ts);
  return m ? `${m[1]} ${m[2]}` : ts;
}

/** A typed UTC time for the core ("" → null); the core checks and reports the format. */
export function timeValue(text: string): string | null {
  const t = text.trim();
  return t === '' ? null : t;
}
