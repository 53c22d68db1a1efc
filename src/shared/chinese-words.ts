import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/**
 * Chinese words for search: jieba (`@node-rs/jieba`, a maintained Rust port) cuts text into words
 * in its search mode (住房公积金 → 住房, 公积, 积金, 公积金, 住房公积金), the same cut for an article
 * and for a query, so that both meet on the same words. Letters and digits stay as they are, in lower
 * case; punctuation and the function words a question is made of (我想问一下…怎么…吗) are dropped.
 * The dictionary loads once per process, on first use (about 0.4 s).
 */
let jieba: Jieba | undefined;

const stopWords = new Set(
  (
    '的 了 和 与 及 或 在 是 有 我 你 他 她 它 们 我们 你们 他们 这 那 这个 那个 这里 那里 哪 哪里 哪个 什么 怎么 怎样 如何 为什么 ' +
    '吗 呢 吧 啊 呀 哦 嗯 请 请问 想 想问 问 问一下 一下 咨询 一个 个 能 能否 可以 可不可以 要 需要 会 就 都 也 还 又 把 被 给 让 ' +
    '对 向 从 到 为 以 于 而 但 但是 如果 因为 所以 已经 没有 不 没 很 太 最 多 多少 几 谁 时候 现在 今天 您 您好 你好 谢谢 麻烦'
  ).split(' '),
);

function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** The words kept of a cut: lower case, no punctuation or stop words, each once. */
function kept(words: readonly string[]): string[] {
  const terms = new Set<string>();
  for (const word of words) {
    const term = word.replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, '');
    if (term && !stopWords.has(term)) terms.add(term);
  }
  return [...terms];
}

const prepared = (text: string) => text.normalize('NFKC').toLowerCase();

/** An article's words for its index: the search-mode cut, which adds the shorter words inside long ones (公积金 → 公积, 积金). */
export function indexTerms(text: string): string[] {
  return kept(segmenter().cutForSearch(prepared(text), true));
}

/** A query's words: the plain cut (each is among an article's index words when the article says it). */
export function queryWords(text: string): string[] {
  return kept(segmenter().cut(prepared(text), true));
}
