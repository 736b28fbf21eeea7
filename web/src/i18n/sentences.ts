/**
 * Several sentences (or reasons) said as one message, as the reader's language writes them: English puts
 * a space after each full stop ("Action 1: Required. Conditions: Required."), Chinese none
 * ("动作 1：必填。条件：必填。"). Lists of values are not sentences: use formatList (i18n/index.ts).
 *
 * Pure (no i18next instance): the full stop added is the language's own (`common.sentenceEnd`), read
 * through the `t` given, so any screen, helper or test can call it with the `t` it has.
 */
import type { TFunction } from 'i18next';

/** A sentence already finished: a full stop, question or exclamation mark, with any closing quote or bracket. */
const FINISHED = /[.!?。！？…]["'”’」』）)]*$/;

/** A sentence finished the Chinese way, after which the next one follows with no space. */
const FINISHED_WIDE = /[。！？]["”’」』）]*$/;

/**
 * The parts (blank ones left out) as one message. Alone, a part is said as written; of two or more, each
 * is finished with the language's full stop where it has none (a field's reason, "Required", has none
 * under its field), so the reader sees where one ends. A space follows a sentence unless it ends the
 * Chinese way (。！？), whatever the page's language: a server's English message inside a Chinese page
 * keeps its space.
 */
export function joinSentences(parts: readonly (string | null | undefined)[], t: TFunction): string {
  const sentences = parts.map((part) => part?.trim() ?? '').filter((part) => part !== '');
  if (sentences.length < 2) return sentences[0] ?? '';
  const end = t('common.sentenceEnd');
  return sentences
    .map((sentence) => (FINISHED.test(sentence) ? sentence : sentence + end))
    .reduce(
      (all, sentence) =>
        all === '' ? sentence : FINISHED_WIDE.test(all) ? all + sentence : `${all} ${sentence}`,
      '',
    );
}
