"""Stop words for the analyzer.

Chinese has two kinds: single characters that are almost always grammatical particles (dropped
as unigram features, and bigrams made of two of them are dropped too), and multi-character
function words (dropped as whole bigram features). Both lists are deliberately short: IDF already
down-weights frequent content-free terms, and an over-long list would remove real words (e.g. 在线
or 对象 contain 在 / 对, so those characters are *not* bigram breakers).
"""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Single characters that carry no topic on their own. They are still allowed inside a bigram
# (目的, 了解, 其他 ...), except when both characters of the bigram are in this set.
CHINESE_STOP_CHARS: frozenset[str] = frozenset(
    "的了着过吗呢吧啊呀嘛哦么之乎者也而且并及与和或又在是对于为以由从向把被给让将则就都还也即"
    "其此该这那些个各每某本我你他她它们咱您所得很更最太再已曾仍才只不没无非未可能会要"
    "想请让使用有一二三四五六七八九十几多少等如若因此但却虽然而"
)

# Multi-character function words and boilerplate of abstracts and of colloquial requests.
# Only two-character entries matter for the bigram features; longer entries are kept for the
# (future) query-side filler removal and for the explanation filter.
_STOP_WORD_LINES = (
    "我们 你们 他们 她们 它们 咱们 自己 这个 那个 这些 那些 这种 那种 这样 那样 这里 那里 哪里",
    "什么 怎么 怎样 如何 为何 为什么 多少 有没 没有 有些 一些 一个 一种 一下 一直 一般 一定",
    "可以 可能 能够 应该 需要 希望 想要 是否 还是 或者 以及 并且 而且 但是 但 然而 因为 所以",
    "因此 于是 如果 虽然 即使 只要 只有 除了 通过 进行 对于 关于 根据 按照 基于 由于 为了",
    "其中 之间 之后 之前 以上 以下 以后 以前 同时 然后 最后 首先 其次 另外 此外 并 已经 正在",
    "本文 本研究 文中 文章 论文 笔者 作者 结果 表明 结果表明 研究表明 提出 采用 利用 使用 具有",
    "主要 不同 相关 相应 一定 有效 有关 各种 各个 所有 及其 等等 方面 问题 情况 目前 当前",
    "啥 咋 咋个 咋办 办法 有没有 能不能 可不可以 请问 谢谢 麻烦 帮忙 一下子 就是 还有 比较",
    "非常 特别 很多 不少 许多 大量 多种 几个 东西 事情",
)
CHINESE_STOP_WORDS: frozenset[str] = frozenset(w for line in _STOP_WORD_LINES for w in line.split())

# scikit-learn's list is the usual English one (318 words), minus the content words it is known
# to contain (system, fire, interest ...), which matter in technology descriptions.
_NOT_STOP = frozenset(
    {
        "amount",
        "back",
        "bill",
        "bottom",
        "call",
        "con",
        "describe",
        "detail",
        "empty",
        "fill",
        "find",
        "fire",
        "found",
        "front",
        "full",
        "give",
        "interest",
        "mill",
        "move",
        "name",
        "part",
        "put",
        "serious",
        "show",
        "side",
        "system",
        "thick",
        "thin",
        "top",
    }
)
ENGLISH_STOPS: frozenset[str] = (frozenset(ENGLISH_STOP_WORDS) - _NOT_STOP) | frozenset(
    {"et", "al", "ie", "eg", "vs", "via", "based", "using", "used", "use", "study", "paper"}
)
