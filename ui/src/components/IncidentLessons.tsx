// Edit screen: lessons learned, one answer per NIST question and retrospective heading. Each
// answer is saved on its own (an empty answer clears it).

import { useState } from 'react';
import * as inc from '../api/incident';
import type { IncidentRecord, Vocabulary } from '../api/incident';
import type { Change } from './IncidentDashboard';

type Props = { record: IncidentRecord; vocab: Vocabulary; readOnly: boolean; change: Change };

export function IncidentLessons({ record, vocab, readOnly, change }: Props) {
  const saved = (topic: string) => record.lessons.find((l) => l.topic === topic)?.answer ?? '';
  const [answers, setAnswers] = useState<Record<string, string>>(() =>
    Object.fromEntries(vocab.lesson_topics.map(([t]) => [t, saved(t)])),
  );
  return (
    <div>
      {vocab.lesson_topics.map(([topic, question]) => {
        const value = answers[topic] ?? '';
        const dirty = value !== saved(topic);
        return (
          <div key={topic} className="lesson">
            <label htmlFor={`lesson-${topic}`}>{question}</label>
            <textarea
              id={`lesson-${topic}`}
              value={value}
              disabled={readOnly}
              onChange={(e) => setAnswers((a) => ({ ...a, [topic]: e.target.value }))}
            />
            {dirty && (
              <button type="button" onClick={() => void change(() => inc.setLesson(topic, value), 'Lesson saved')}>
                Save
              </button>
            )}
          </div>
        );
      })}
    </div>
  );
}
