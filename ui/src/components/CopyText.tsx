// A monospace value (hash, path, locator) with a Copy button; `compact` cuts it visually to a
// prefix with an ellipsis (the whole value stays in the text, the tooltip and the copy). Falls back to selecting the text
// when the clipboard API is unavailable, so the user can copy it by hand.

import { useRef, useState } from 'react';

type Props = { value: string; label: string; title?: string; compact?: boolean };

export function CopyText({ value, label, title, compact = false }: Props) {
  const ref = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState(false);

  const selectText = () => {
    const node = ref.current;
    const selection = window.getSelection();
    if (!node || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(node);
    selection.removeAllRanges();
    selection.addRange(range);
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1200);
    } catch {
      selectText();
    }
  };

  return (
    <span className={compact ? 'copy-text compact' : 'copy-text'}>
      <code ref={ref} className="mono selectable" title={title ?? (compact ? value : undefined)}>
        {value}
      </code>
      <button type="button" className="copy-btn" aria-label={`Copy ${label}`} onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}
