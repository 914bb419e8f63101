// The timeline filter inputs (from, to, text). Typing applies after a 250 ms pause; Enter
// applies at once. A time that cannot be understood is flagged on its field and not sent.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { normalizeFilter, type FilterInput, type TimelineFilter } from '../lib/query';

const DEBOUNCE_MS = 250;

type Props = { onApply: (filter: TimelineFilter) => void };

export function TimelineFilters({ onApply }: Props) {
  const [input, setInput] = useState<FilterInput>({ from: '', to: '', grep: '' });
  const [invalid, setInvalid] = useState<{ field: 'from' | 'to'; message: string } | null>(null);
  const timer = useRef<number | undefined>(undefined);

  const apply = (next: FilterInput) => {
    window.clearTimeout(timer.current);
    const result = normalizeFilter(next);
    if (result.ok) {
      setInvalid(null);
      onApply(result.filter);
    } else {
      setInvalid({ field: result.field, message: result.message });
    }
  };

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const change = (field: keyof FilterInput, value: string) => {
    const next = { ...input, [field]: value };
    setInput(next);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => apply(next), DEBOUNCE_MS);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      apply(input);
    }
  };

  const field = (name: 'from' | 'to', label: string, placeholder: string) => (
    <label className="filter">
      {label}
      <input
        id={`q-${name}`}
        className="mono"
        value={input[name]}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={invalid?.field === name}
        aria-describedby={invalid?.field === name ? 'filter-invalid' : undefined}
        onChange={(e) => change(name, e.target.value)}
        onKeyDown={onKeyDown}
      />
    </label>
  );

  return (
    <div className="filters" role="search">
      {field('from', 'From (UTC)', 'YYYY-MM-DD HH:MM:SS')}
      {field('to', 'To (UTC)', 'YYYY-MM-DD HH:MM:SS')}
      <label className="filter grow">
        Search
        <input
          id="q-grep"
          type="search"
          value={input.grep}
          placeholder="text in any field"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => change('grep', e.target.value)}
          onKeyDown={onKeyDown}
        />
      </label>
      {invalid && (
        <span id="filter-invalid" className="field-error">
          {invalid.message}
        </span>
      )}
    </div>
  );
}
