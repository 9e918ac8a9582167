//! Which parts of a blob stored as a delta must be scanned, and which findings of its base it
//! holds without being scanned there.
//!
//! What decides a finding is a bounded stretch of bytes, its *region*: the match (at most
//! `margin` bytes, the longest match any rule can make), the whole lines it touches and the
//! line before (context, inline allow comments, encoded spans, which never cross a line), and
//! `margin` bytes more on each side (where a neighbouring match of the same rule could start
//! or end). Two inputs with the same bytes over a region find the same thing there.
//!
//! So a blob made from its base by copies and inserts holds: the findings of its base whose
//! region lies inside one copied range (shifted to where the copy landed), plus those whose
//! region touches an inserted byte or the seam between two copies, which a scan of windows
//! around those places finds. A region that reaches the start or end of its input is only
//! carried over when the copy starts (ends) both inputs, since an input's edge ends a line.

use std::ops::Range;

use crate::source::delta::Copy;

/// A stretch of a blob to scan: `data` starts at a line, findings starting in `own` are its.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub data: Range<usize>,
    pub own: Range<usize>,
}

/// The region of a finding whose match or encoded span covers `span` in `data`, and whether
/// it reaches the start or the end of `data`.
pub fn region(data: &[u8], span: Range<usize>, margin: usize) -> (Range<usize>, bool, bool) {
    let len = data.len();
    let lines_start = prev_line_start(data, span.start.saturating_sub(margin));
    let lines_end = line_end(data, span.end.saturating_add(margin).min(len));
    let start = lines_start.checked_sub(1 + margin);
    let end = lines_end.checked_add(1 + margin).filter(|&e| e <= len);
    (
        start.unwrap_or(0)..end.unwrap_or(len),
        start.is_none(),
        end.is_none(),
    )
}

/// The windows of `data` (a blob made by `copies` from a base of `base_len` bytes) that a
/// scan must cover; `None` when they would cover most of it, and a whole scan is cheaper.
pub fn plan(data: &[u8], base_len: usize, copies: &[Copy], margin: usize) -> Option<Vec<Window>> {
    let runs = runs(data.len(), base_len, copies);
    plan_runs(data, &runs, &vec![margin; runs.len()])
}

/// Runs of positions of a blob of `len` bytes (made by `copies` from a base of `base_len`
/// bytes) whose regions cannot lie inside one copy: inserted bytes, the first byte of a copy
/// after something else, and the input's edges unless a copy spans the same edge of the base.
/// Ascending; a keyword occurrence no copy holds whole overlaps one of them.
pub fn runs(len: usize, base_len: usize, copies: &[Copy]) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut pos = 0;
    for c in copies {
        if c.dst > pos {
            runs.push(pos..c.dst + 1);
        } else if pos > 0 {
            runs.push(c.dst..c.dst + 1);
        } else if c.src != 0 {
            runs.push(0..1);
        }
        pos = c.dst + c.len;
    }
    if pos < len {
        runs.push(pos..len);
    }
    if let Some(last) = copies.last()
        && last.dst + last.len == len
        && last.src + last.len != base_len
    {
        runs.push(len.saturating_sub(1)..len);
    }
    runs.into_iter()
        .map(|r| r.start.min(len)..r.end.min(len))
        .collect()
}

/// The windows around `runs` (from [`runs`]), each run with its own margin; `None` when they
/// would cover most of `data`. Where two windows meet they become the window of both runs
/// with the larger margin: every match a rule of either margin makes there is then whole in
/// it.
pub fn plan_runs(data: &[u8], runs: &[Range<usize>], margins: &[usize]) -> Option<Vec<Window>> {
    let len = data.len();
    // (the runs a window covers, its margin, the window)
    let mut windows: Vec<(Range<usize>, usize, Window)> = Vec::new();
    for (run, &margin) in runs.iter().zip(margins) {
        let (mut run, mut margin) = (run.clone(), margin);
        loop {
            let w = window(data, run.clone(), margin);
            match windows.last_mut() {
                // A window's start follows from its run's start, its end from its run's end:
                // with the same margin, the merged window is the last one grown to this end.
                Some((last, k, lw)) if w.data.start <= lw.data.end && *k == margin => {
                    last.end = last.end.max(run.end);
                    lw.data.end = lw.data.end.max(w.data.end);
                    lw.own.end = lw.own.end.max(w.own.end);
                    break;
                }
                Some((last, k, lw)) if w.data.start <= lw.data.end => {
                    run = last.start..run.end.max(last.end);
                    margin = margin.max(*k);
                    windows.pop();
                }
                _ => {
                    windows.push((run, margin, w));
                    break;
                }
            }
        }
    }
    let covered: usize = windows.iter().map(|w| w.2.data.len()).sum();
    (covered.saturating_mul(4) < len.saturating_mul(3))
        .then(|| windows.into_iter().map(|w| w.2).collect())
}

/// Whether the windows around `runs` for `margin` or more would cover most of a blob of `len`
/// bytes, from a bound that reads no byte: a window reaches at least `7 * margin + 1` bytes
/// before its run and `4 * margin + 1` after (see [`window`]), lines aside.
pub fn surely_most(len: usize, runs: &[Range<usize>], margin: usize) -> bool {
    let mut covered = 0;
    let mut last = 0..0;
    for run in runs {
        let r = run.start.saturating_sub(7 * margin + 1)..(run.end + 4 * margin + 1).min(len);
        if r.start <= last.end {
            last.end = last.end.max(r.end);
        } else {
            covered += last.len();
            last = r;
        }
    }
    covered += last.len();
    covered.saturating_mul(4) >= len.saturating_mul(3)
}

/// The bytes the window around `run` for `margin` reads: every match a scan of that window
/// could need lies inside it.
pub fn reach(data: &[u8], run: Range<usize>, margin: usize) -> Range<usize> {
    window(data, run, margin).data
}

/// The window around `run`: `own` holds the start of every match (or encoded span) whose
/// region meets `run`; `data` holds what such a match needs around it.
fn window(data: &[u8], run: Range<usize>, margin: usize) -> Window {
    let len = data.len();
    let k = margin;
    // A finding whose region reaches back to `run` starts at most one line after the line
    // holding run.end + k, plus k; one whose region reaches forward to it has its secret
    // end on or after the line holding run.start - k - 1, and starts at most 2k before
    // (3k, with the line of an encoded span).
    let lo = line_start(data, run.start.saturating_sub(k + 1)).saturating_sub(2 * k + 1);
    let own_start = line_start(data, lo).saturating_sub(3 * k);
    let own_end = next_line_end(data, run.end.saturating_add(k).min(len))
        .saturating_add(k + 1)
        .min(len);
    let data_start = prev_line_start(data, own_start.saturating_sub(k));
    let data_end = line_end(data, own_end.saturating_add(2 * k).min(len))
        .saturating_add(1)
        .min(len);
    Window {
        data: data_start..data_end,
        own: own_start..own_end,
    }
}

/// Where the findings of a base lie in a blob made from it: for each copy that holds the
/// whole region `region` of a base finding, how far the copy shifted it. `edges` says whether
/// the region reaches the start and end of the base.
pub fn carried(
    region: &Range<usize>,
    edges: (bool, bool),
    base_len: usize,
    len: usize,
    copies: &[Copy],
) -> Vec<isize> {
    copies
        .iter()
        .filter(|c| c.src <= region.start && region.end <= c.src + c.len)
        .filter(|c| !edges.0 || (c.src == 0 && c.dst == 0))
        .filter(|c| !edges.1 || (c.src + c.len == base_len && c.dst + c.len == len))
        .map(|c| c.dst as isize - c.src as isize)
        .collect()
}

/// The byte span of each `(line, column, end_line, end_column)` in `data` (1-based lines,
/// columns counting UTF-8 characters, the end exclusive), as the scanner reports them.
pub fn spans(data: &[u8], at: &[(usize, usize, usize, usize)]) -> Vec<Range<usize>> {
    // Line starts, found in one forward pass over the lines asked for.
    let mut lines: Vec<usize> = at.iter().flat_map(|a| [a.0, a.2]).collect();
    lines.sort_unstable();
    lines.dedup();
    let mut starts = Vec::with_capacity(lines.len());
    let (mut line, mut offset) = (1usize, 0usize);
    let mut newlines = memchr::memchr_iter(b'\n', data);
    for &want in &lines {
        while line < want {
            match newlines.next() {
                Some(i) => {
                    line += 1;
                    offset = i + 1;
                }
                None => break,
            }
        }
        starts.push((want, if line == want { offset } else { data.len() }));
    }
    let start_of = |l: usize| {
        starts
            .binary_search_by_key(&l, |s| s.0)
            .map_or(data.len(), |i| starts[i].1)
    };
    at.iter()
        .map(|&(line, column, end_line, end_column)| {
            let start = char_offset(data, start_of(line), column);
            let end = char_offset(data, start_of(end_line), end_column).max(start);
            start..end
        })
        .collect()
}

/// The 1-based line and column (in characters) of `pos` in `data`.
pub fn line_column(data: &[u8], pos: usize) -> (usize, usize) {
    let pos = pos.min(data.len());
    let line = 1 + memchr::memchr_iter(b'\n', &data[..pos]).count();
    let start = line_start(data, pos);
    (line, chars(&data[start..pos]) + 1)
}

/// The 1-based line of the last byte of `span` and the column just past it, as the scanner
/// reports a secret's end.
pub fn end_line_column(data: &[u8], span: Range<usize>) -> (usize, usize) {
    let end = span.end.min(data.len());
    let last = end.saturating_sub(1).max(span.start.min(end));
    let line = 1 + memchr::memchr_iter(b'\n', &data[..last]).count();
    let start = line_start(data, last);
    (line, chars(&data[start..end]) + 1)
}

/// The offset of the `column`th character (1-based) of the line starting at `start`.
fn char_offset(data: &[u8], start: usize, column: usize) -> usize {
    let mut seen = 0;
    for (i, &b) in data.iter().enumerate().skip(start) {
        if b & 0xC0 != 0x80 {
            if seen + 1 == column {
                return i;
            }
            seen += 1;
        }
    }
    data.len()
}

/// Characters in `bytes`, an invalid byte counting one, as the scanner counts columns.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// The start of the line holding `pos`.
fn line_start(data: &[u8], pos: usize) -> usize {
    memchr::memrchr(b'\n', &data[..pos.min(data.len())]).map_or(0, |i| i + 1)
}

/// The start of the line before the one holding `pos` (or of that one, the first).
fn prev_line_start(data: &[u8], pos: usize) -> usize {
    match line_start(data, pos) {
        0 => 0,
        start => line_start(data, start - 1),
    }
}

/// The end (the newline, or the end of data) of the line holding `pos`.
fn line_end(data: &[u8], pos: usize) -> usize {
    let pos = pos.min(data.len());
    memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i)
}

/// The end of the line after the one holding `pos`.
fn next_line_end(data: &[u8], pos: usize) -> usize {
    let end = line_end(data, pos);
    if end >= data.len() {
        end
    } else {
        line_end(data, end + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_line_columns_agree() {
        let data = "ab\ncé d\n\nxyz".as_bytes();
        let spans = spans(
            data,
            &[(1, 2, 1, 3), (2, 3, 2, 5), (4, 1, 4, 4), (3, 1, 3, 1)],
        );
        assert_eq!(spans, vec![1..2, 6..8, 10..13, 9..9]);
        assert_eq!(line_column(data, 6), (2, 3));
        assert_eq!(line_column(data, 10), (4, 1));
        assert_eq!(line_column(data, 0), (1, 1));
        assert_eq!(end_line_column(data, 6..8), (2, 5));
        // A span ending in a newline ends on that newline's line.
        assert_eq!(end_line_column(data, 3..9), (2, 6));
    }

    #[test]
    fn a_region_covers_its_lines_the_line_before_and_margins() {
        let data = b"one\ntwo\nthree secret here\nfour\nfive\n";
        let at = 14..20; // "secret"
        let (r, start, end) = region(data, at.clone(), 0);
        // Lines two and three, and the newlines around them.
        assert_eq!(r, 3..26);
        assert!(!start && !end);
        let (r, start, end) = region(data, at, 30);
        assert_eq!(r, 0..data.len());
        assert!(start && end);
    }

    #[test]
    fn a_copy_carries_a_region_only_when_it_holds_it_whole() {
        let copies = [
            Copy {
                src: 0,
                dst: 0,
                len: 100,
            },
            Copy {
                src: 200,
                dst: 150,
                len: 100,
            },
        ];
        assert_eq!(
            carried(&(10..50), (false, false), 300, 250, &copies),
            vec![0]
        );
        assert_eq!(
            carried(&(210..290), (false, false), 300, 250, &copies),
            vec![-50]
        );
        assert!(carried(&(90..110), (false, false), 300, 250, &copies).is_empty());
        // The start of the base is the start of this blob: carried.
        assert_eq!(carried(&(0..50), (true, false), 300, 250, &copies), vec![0]);
        // The end of the base is the end of this blob too.
        assert_eq!(
            carried(&(210..300), (false, true), 300, 250, &copies),
            vec![-50]
        );
        assert!(carried(&(210..300), (false, true), 301, 250, &copies).is_empty());
    }

    #[test]
    fn windows_cover_inserts_and_seams_and_fall_back_to_whole() {
        let line = b"0123456789012345678901234567890123456789\n";
        let data: Vec<u8> = line.repeat(100);
        let len = data.len();
        // An insert of 10 bytes at 2050 between two copies of the base.
        let copies = [
            Copy {
                src: 0,
                dst: 0,
                len: 2050,
            },
            Copy {
                src: 2050,
                dst: 2060,
                len: len - 2060,
            },
        ];
        let plan = plan(&data, len - 10, &copies, 20).unwrap();
        assert_eq!(plan.len(), 1);
        let w = &plan[0];
        assert!(w.own.start < 2050 - 60 && w.own.end > 2061 + 40, "{w:?}");
        assert!(w.data.start <= w.own.start && w.own.end <= w.data.end);
        assert_eq!(data[w.data.start.saturating_sub(1)], b'\n');
        // The bound that reads no byte agrees: these windows cover little, wider ones most.
        assert!(!surely_most(len, &runs(len, len - 10, &copies), 20));
        assert!(surely_most(len, &runs(len, len - 10, &copies), len / 8));
        for margin in [1, 20, 100, 400, 1000] {
            if surely_most(len, &runs(len, len - 10, &copies), margin) {
                assert_eq!(
                    super::plan(&data, len - 10, &copies, margin),
                    None,
                    "{margin}"
                );
            }
        }
        // With a margin as long as the input, everything is a window: scan it whole.
        assert_eq!(super::plan(&data, len - 10, &copies, len), None);
    }

    /// [`plan_runs`] as first written: every merge recomputes the merged run's window.
    fn plan_runs_recomputed(data: &[u8], runs: &[Range<usize>], margins: &[usize]) -> Vec<Window> {
        let mut windows: Vec<(Range<usize>, usize, Window)> = Vec::new();
        for (run, &margin) in runs.iter().zip(margins) {
            let (mut run, mut margin) = (run.clone(), margin);
            loop {
                let w = window(data, run.clone(), margin);
                match windows.last() {
                    Some((last, k, lw)) if w.data.start <= lw.data.end => {
                        run = last.start..run.end.max(last.end);
                        margin = margin.max(*k);
                        windows.pop();
                    }
                    _ => {
                        windows.push((run, margin, w));
                        break;
                    }
                }
            }
        }
        windows.into_iter().map(|w| w.2).collect()
    }

    proptest::proptest! {
        #[test]
        fn merging_windows_in_place_plans_what_recomputing_them_plans(
            lines in proptest::collection::vec(0usize..90, 1..200),
            starts in proptest::collection::vec((0usize..20_000, 0usize..40, 0usize..3), 1..40),
        ) {
            let data: Vec<u8> = lines
                .iter()
                .flat_map(|&n| std::iter::repeat_n(b'x', n).chain([b'\n']))
                .collect();
            let len = data.len();
            let mut starts = starts;
            starts.sort_unstable();
            let runs: Vec<Range<usize>> = starts
                .iter()
                .map(|&(s, l, _)| {
                    let at = s * len / 20_000;
                    at..(at + l + 1).min(len)
                })
                .collect();
            let margins: Vec<usize> = starts.iter().map(|&(_, _, t)| [3, 40, 300][t]).collect();
            let want = plan_runs_recomputed(&data, &runs, &margins);
            let covered: usize = want.iter().map(|w| w.data.len()).sum();
            let got = plan_runs(&data, &runs, &margins);
            if covered * 4 < len * 3 {
                proptest::prop_assert_eq!(got, Some(want));
            } else {
                proptest::prop_assert_eq!(got, None);
            }
        }
    }
}
