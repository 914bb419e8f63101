import { describe, expect, it } from 'vitest';
import { changeOf, describeChange } from './TimelineBulk';

describe('bulk annotation changes', () => {
  it('needs a tag to add or remove one, trimmed', () => {
    expect(changeOf('tag', '  ')).toBeNull();
    expect(changeOf('untag', '')).toBeNull();
    expect(changeOf('tag', ' c2 ')).toEqual({ kind: 'tag', tag: 'c2' });
    expect(changeOf('untag', 'c2')).toEqual({ kind: 'untag', tag: 'c2' });
  });

  it('maps stars and verdicts, ignoring the tag text', () => {
    expect(changeOf('star', 'x')).toEqual({ kind: 'star' });
    expect(changeOf('unstar', '')).toEqual({ kind: 'unstar' });
    expect(changeOf('malicious', '')).toEqual({ kind: 'verdict', verdict: 'malicious' });
    expect(changeOf('no-verdict', '')).toEqual({ kind: 'verdict', verdict: null });
  });

  it('says in the confirmation what will happen', () => {
    expect(describeChange({ kind: 'tag', tag: 'c2' })).toBe('add the tag “c2” to');
    expect(describeChange({ kind: 'untag', tag: 'c2' })).toBe('remove the tag “c2” from');
    expect(describeChange({ kind: 'star' })).toBe('star');
    expect(describeChange({ kind: 'verdict', verdict: 'suspicious' })).toBe('set the verdict “suspicious” on');
    expect(describeChange({ kind: 'verdict', verdict: null })).toBe('clear the verdict of');
  });
});
