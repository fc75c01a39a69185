//! Chinese word segmentation (分词) for the index and for queries.
//!
//! Plain jieba is not enough for government text: its dictionary lacks 政务公开 and 依申请公开, its
//! search mode emits every dictionary word it sees inside a long word (国务院办公厅 yields 院办,
//! so a query for 院办 finds it), and its precise mode can swallow a word into a longer one
//! (环境保护部门 is cut 环境保护部/门, so 环境保护 and 部门 would miss it).
//!
//! The design here:
//! * the dictionary is jieba's own plus our government terms (`data/dict.txt`), the city office's
//!   additions and every synonym, so those stay whole;
//! * at index time each word of the precise cut is emitted, and every word of three or more
//!   characters is also emitted as its *decomposition*: the fewest dictionary pieces that tile it
//!   exactly, recursively (环境保护部 → 环境保护 + 部 → 环境 + 保护). Pieces share the character
//!   offset of where they start, so positions are character offsets and phrase queries can use
//!   them. A piece never straddles a boundary of the word it comes from, so 院办 (which straddles
//!   国务院|办公厅) is never emitted;
//! * at query time a word matches either as itself or as the phrase of its pieces at their
//!   character offsets (see `query`), which finds 部门 inside 环境保护部/门 through 部 and 门.
//!
//! Text is normalised first: full-width ASCII to half-width, Latin lower-cased.

use jieba_rs::Jieba;

/// Longest word (in characters) that is decomposed; longer "words" only come out of the HMM on
/// garbage such as one character repeated, and are emitted as single characters instead.
const MAX_WORD_CHARS: usize = 16;

/// The government terms jieba's dictionary lacks; one `word [freq]` per line.
const GOVERNMENT_DICT: &str = include_str!("../data/dict.txt");

/// One token of the index analysis: its text and the character offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    /// Character offset in the normalised text.
    pub position: usize,
}

/// A segmenter: jieba with the government dictionary loaded. Loading costs ~0.1 s; build one per
/// process and share it.
pub struct Segmenter {
    jieba: Jieba,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Segmenter")
    }
}

impl Segmenter {
    /// jieba's dictionary plus the built-in government terms plus `extra` words (the city
    /// office's user dictionary and the synonym terms).
    pub fn new<'a>(extra: impl IntoIterator<Item = &'a str>) -> Self {
        let mut jieba = Jieba::new();
        for line in GOVERNMENT_DICT.lines() {
            add_dict_line(&mut jieba, line);
        }
        for word in extra {
            add_dict_line(&mut jieba, word);
        }
        Segmenter { jieba }
    }

    /// Whether `word` is in the dictionary.
    pub fn is_word(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// The words of `text` in precise mode, normalised, without punctuation or spaces. This is
    /// how a query is read.
    pub fn words(&self, text: &str) -> Vec<Piece> {
        let text = normalize(text);
        let mut out = Vec::new();
        for token in self.jieba.cut(&text, true) {
            if is_indexable(token.word) {
                out.push(Piece {
                    text: token.word.to_owned(),
                    position: token.start,
                });
            }
        }
        out
    }

    /// Every token the index keeps for `text`: the precise cut plus the decomposition of long
    /// words, each at its character offset. Appends to `out`.
    pub fn index_pieces(&self, text: &str, out: &mut Vec<Piece>) {
        pieces_of(text, out, |text, spans| self.index_spans(text, spans));
    }

    /// [`Segmenter::index_pieces`] of text already normalised, as spans of it: what the index's
    /// tokenizer uses, without a string per token.
    pub fn index_spans(&self, text: &str, out: &mut Vec<Span>) {
        for token in self.jieba.cut(text, true) {
            if !is_indexable(token.word) {
                continue;
            }
            if token.end - token.start > MAX_WORD_CHARS {
                for (i, (b, c)) in token.word.char_indices().enumerate() {
                    let start = token.byte_start + b;
                    out.push(Span {
                        start,
                        end: start + c.len_utf8(),
                        position: token.start + i,
                    });
                }
                continue;
            }
            let word = Span {
                start: token.byte_start,
                end: token.byte_end,
                position: token.start,
            };
            out.push(word);
            self.push_decomposition(token.word, word, out);
        }
    }

    /// The decomposition of `word` (at `at` in the text), recursively.
    fn push_decomposition(&self, word: &str, at: Span, out: &mut Vec<Span>) {
        let Some(parts) = self.tiling(word) else {
            return;
        };
        for (offset, bytes) in parts {
            let part = Span {
                start: at.start + bytes.start,
                end: at.start + bytes.end,
                position: at.position + offset,
            };
            out.push(part);
            self.push_decomposition(&word[bytes], part, out);
        }
    }

    /// The fewest dictionary words (single characters allowed) that tile `word` exactly, other
    /// than `word` itself; ties go to the longest first piece. `None` for words shorter than
    /// three characters or longer than the decomposition limit. Offsets are in characters.
    pub fn decompose<'w>(&self, word: &'w str) -> Option<Vec<(usize, &'w str)>> {
        let parts = self.tiling(word)?;
        Some(
            parts
                .into_iter()
                .map(|(offset, bytes)| (offset, &word[bytes]))
                .collect(),
        )
    }

    /// [`Segmenter::decompose`] as character offsets and byte ranges of `word`.
    fn tiling(&self, word: &str) -> Option<Vec<(usize, std::ops::Range<usize>)>> {
        // On the stack: this runs for every word of three or more characters indexed.
        let mut bounds = [0usize; MAX_WORD_CHARS + 1];
        let mut n = 0;
        for (b, _) in word.char_indices() {
            if n == MAX_WORD_CHARS {
                return None;
            }
            bounds[n] = b;
            n += 1;
        }
        if n < 3 {
            return None;
        }
        bounds[n] = word.len();
        // best[i] = (pieces, next) for the suffix starting at character i.
        let mut best = [(usize::MAX, n); MAX_WORD_CHARS + 1];
        best[n] = (0, n);
        for i in (0..n).rev() {
            // Longest first so that ties keep the longer piece.
            for j in (i + 1..=n).rev() {
                if i == 0 && j == n {
                    continue;
                }
                if j - i > 1 && !self.jieba.has_word(&word[bounds[i]..bounds[j]]) {
                    continue;
                }
                let cost = best[j].0.saturating_add(1);
                if cost < best[i].0 {
                    best[i] = (cost, j);
                }
            }
        }
        let mut parts = Vec::new();
        let mut i = 0;
        while i < n {
            let j = best[i].1;
            parts.push((i, bounds[i]..bounds[j]));
            i = j;
        }
        Some(parts)
    }
}

/// A token of the index analysis as a byte range of the normalised text, with the character
/// offset where it starts (its position).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub position: usize,
}

impl Span {
    /// The token as a piece of `text` (the normalised text it was cut from).
    pub fn piece(&self, text: &str) -> Piece {
        Piece {
            text: text[self.start..self.end].to_owned(),
            position: self.position,
        }
    }
}

fn add_dict_line(jieba: &mut Jieba, line: &str) {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return;
    }
    let mut parts = line.split_whitespace();
    let Some(word) = parts.next() else { return };
    let word = normalize(word);
    let freq = parts.next().and_then(|f| f.parse::<usize>().ok());
    // A word must at least win against its own pieces, or adding it changes nothing.
    let needed = jieba.suggest_freq(&word);
    jieba.add_word(&word, Some(freq.unwrap_or(needed).max(needed)), None);
}

/// Full-width ASCII to half-width, ideographic space to space, Latin lower-cased.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

/// [`normalize`] into `out`, replacing what it held (the tokenizers reuse one buffer).
///
/// Runs of characters it leaves alone (nearly all of a Chinese text) are copied whole: pushing
/// character by character was most of a search page's snippets and a share of indexing.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len());
    let mut copied = 0;
    for (at, c) in text.char_indices() {
        if let Some(folded) = fold(c) {
            out.push_str(&text[copied..at]);
            out.push(folded);
            copied = at + c.len_utf8();
        }
    }
    out.push_str(&text[copied..]);
}

/// What [`normalize`] turns `c` into, when not itself: Latin capitals to small letters,
/// full-width forms (ＡＢ１２) to their ASCII letters and digits, the ideographic space to a
/// space.
fn fold(c: char) -> Option<char> {
    match c {
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(c as u32 - 0xFEE0).map(|ascii| ascii.to_ascii_lowercase())
        }
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// A Han (CJK ideograph) character, including 〇.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}'
        | '〇')
}

/// A token worth indexing: it has a letter, digit or ideograph.
fn is_indexable(word: &str) -> bool {
    word.chars().any(|c| c.is_alphanumeric())
}

/// Overlapping character bigrams of the Han runs of `text` (a lone Han character is kept as a
/// unigram) and the Latin/digit words, each at its character offset in the normalised text. The
/// `ngram` field holds these so an exact phrase matches any substring, whatever the segmentation.
pub fn bigrams(text: &str, out: &mut Vec<Piece>) {
    pieces_of(text, out, bigram_spans);
}

/// The spans `analyse` finds in the normalised `text`, appended to `out` as pieces.
fn pieces_of(text: &str, out: &mut Vec<Piece>, analyse: impl FnOnce(&str, &mut Vec<Span>)) {
    let text = normalize(text);
    let mut spans = Vec::new();
    analyse(&text, &mut spans);
    out.extend(spans.iter().map(|s| s.piece(&text)));
}

/// [`bigrams`] of text already normalised, as spans of it.
pub fn bigram_spans(text: &str, out: &mut Vec<Span>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if is_han(c) {
            let start = i;
            while i < chars.len() && is_han(chars[i].1) {
                i += 1;
            }
            if i - start == 1 {
                out.push(Span {
                    start: byte(start),
                    end: byte(i),
                    position: start,
                });
            }
            for k in start..i.saturating_sub(1) {
                out.push(Span {
                    start: byte(k),
                    end: byte(k + 2),
                    position: k,
                });
            }
        } else if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].1.is_alphanumeric() && !is_han(chars[i].1) {
                i += 1;
            }
            out.push(Span {
                start: byte(start),
                end: byte(i),
                position: start,
            });
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static SEG: LazyLock<Segmenter> = LazyLock::new(|| Segmenter::new([]));

    fn index_texts(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        SEG.index_pieces(text, &mut out);
        out.into_iter().map(|p| p.text).collect()
    }

    fn words(text: &str) -> Vec<String> {
        SEG.words(text).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn government_terms_stay_whole() {
        for term in [
            "政务公开",
            "信息公开",
            "依申请公开",
            "权力清单",
            "双随机一公开",
        ] {
            assert_eq!(words(term), vec![term.to_owned()], "{term}");
            assert!(words(&format!("关于做好{term}工作的通知")).contains(&term.to_owned()));
        }
    }

    #[test]
    fn long_words_are_indexed_with_their_pieces_but_no_straddling_fragment() {
        let pieces = index_texts("国务院办公厅关于印发通知");
        for want in ["国务院", "办公厅", "国务", "办公"] {
            assert!(pieces.contains(&want.to_owned()), "{want} in {pieces:?}");
        }
        assert!(!pieces.contains(&"院办".to_owned()), "{pieces:?}");
    }

    #[test]
    fn a_word_swallowed_by_a_longer_one_is_still_indexed() {
        let pieces = index_texts("各级环境保护部门要加强监管");
        assert!(pieces.contains(&"环境保护".to_owned()), "{pieces:?}");
        assert!(pieces.contains(&"部".to_owned()), "{pieces:?}");
    }

    #[test]
    fn positions_are_character_offsets() {
        let mut out = Vec::new();
        SEG.index_pieces("ＡＢＣ 国务院办公厅", &mut out);
        let office = out.iter().find(|p| p.text == "办公厅").map(|p| p.position);
        assert_eq!(office, Some(7));
        assert!(out.iter().any(|p| p.text == "abc" && p.position == 0));
    }

    #[test]
    fn decomposition_is_the_fewest_pieces_and_tiles_the_word() {
        let parts = SEG.decompose("国务院办公厅").unwrap_or_default();
        assert_eq!(parts, vec![(0, "国务院"), (3, "办公厅")]);
        assert_eq!(SEG.decompose("社保"), None);
        let word = "中华人民共和国国务院";
        let parts = SEG.decompose(word).unwrap_or_default();
        let joined: String = parts.iter().map(|(_, p)| *p).collect();
        assert_eq!(joined, word);
        assert!(parts.len() >= 2);
    }

    #[test]
    fn garbage_runs_become_single_characters() {
        let text = "啊".repeat(200);
        let pieces = index_texts(&text);
        assert!(pieces.iter().all(|p| p.chars().count() <= MAX_WORD_CHARS));
    }

    #[test]
    fn bigrams_cover_han_runs_and_keep_latin_words() {
        let mut out = Vec::new();
        bigrams("低保 ABC2016年", &mut out);
        let texts: Vec<&str> = out.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, vec!["低保", "abc2016", "年"]);
        assert_eq!(out[1].position, 3);
    }

    proptest::proptest! {
        /// Every span of either analysis is a non-empty slice of the normalised text on
        /// character boundaries, and its position is its character offset.
        #[test]
        fn spans_are_slices_at_their_character_offsets(
            raw in "[国务院办公厅关于政务公开住房补贴环境保护部门啊ＡＢ１２ ab12，。、\\-]{0,60}"
        ) {
            let text = normalize(&raw);
            let mut spans = Vec::new();
            SEG.index_spans(&text, &mut spans);
            bigram_spans(&text, &mut spans);
            for span in spans {
                proptest::prop_assert!(span.start < span.end);
                proptest::prop_assert!(text.is_char_boundary(span.start));
                proptest::prop_assert!(text.is_char_boundary(span.end));
                proptest::prop_assert_eq!(text[..span.start].chars().count(), span.position);
            }
        }
    }

    #[test]
    fn normalize_folds_width_and_case() {
        assert_eq!(normalize("ＰＰＰ项目　Ａ"), "ppp项目 a");
        assert_eq!(normalize("Ｚｚ～！Q\u{3000}"), "zz~!q ");
    }

    proptest::proptest! {
        /// Folding runs at once gives what mapping every character alone gives.
        #[test]
        fn normalize_folds_each_character_alone(
            raw in "[A-Za-z0-9国务院住房ＡＺａｚ０９！～｟　 \u{FF00}\u{FF5F}é]{0,40}"
        ) {
            // The mapping as it was written before runs were copied whole.
            let each: String = raw
                .chars()
                .map(|c| match c {
                    '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)
                        .unwrap_or(c)
                        .to_ascii_lowercase(),
                    '\u{3000}' => ' ',
                    _ => c.to_ascii_lowercase(),
                })
                .collect();
            proptest::prop_assert_eq!(normalize(&raw), each);
            proptest::prop_assert_eq!(normalize(&raw).chars().count(), raw.chars().count());
        }
    }
}
