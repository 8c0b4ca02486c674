use super::*;
use proptest::prelude::*;

type Found = Vec<(u64, Vec<Vec<u8>>)>;

fn split(text: &[u8], read: usize) -> Found {
    let mut records = Records::reading(text, read);
    let mut found = Vec::new();
    while let Some(record) = records.next_record().expect("readable") {
        found.push((record.line, record.iter().map(<[u8]>::to_vec).collect()));
    }
    found
}

/// The second way: the csv crate as every other importer reads, each record's line counted naively
/// from where the crate says it started reading it (past any blank lines there).
fn csv_crate(text: &[u8]) -> Found {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
    let mut record = csv::ByteRecord::new();
    let mut found = Vec::new();
    loop {
        let mut start = usize::try_from(reader.position().byte()).expect("small");
        if !reader.read_byte_record(&mut record).expect("readable") {
            break;
        }
        while matches!(text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let line = 1 + text[..start].iter().filter(|&&b| b == b'\n').count() as u64;
        found.push((line, record.iter().map(<[u8]>::to_vec).collect()));
    }
    found
}

fn cells(text: &str) -> Vec<(u64, Vec<String>)> {
    split(text.as_bytes(), READ)
        .into_iter()
        .map(|(line, cells)| {
            (line, cells.into_iter().map(|c| String::from_utf8(c).expect("utf-8")).collect())
        })
        .collect()
}

fn owned(line: u64, cells: &[&str]) -> (u64, Vec<String>) {
    (line, cells.iter().map(|c| (*c).to_owned()).collect())
}

#[test]
fn plain_lines_are_cut_at_commas_with_either_line_end() {
    assert_eq!(
        cells("a,b,\r\n,c\n\n\r\nd"),
        [owned(1, &["a", "b", ""]), owned(2, &["", "c"]), owned(5, &["d"])]
    );
}

#[test]
fn quotes_hold_commas_line_ends_and_doubled_quotes() {
    assert_eq!(
        cells("h,\"NHS A, B and C CCG\",x\r\n\"say \"\"hi\"\"\",\"two\nlines\"\nnext\n"),
        [
            owned(1, &["h", "NHS A, B and C CCG", "x"]),
            owned(2, &["say \"hi\"", "two\nlines"]),
            owned(4, &["next"])
        ]
    );
}

#[test]
fn a_quote_closed_early_or_inside_a_cell_is_plain_text() {
    assert_eq!(cells("\"ab\"c,d\"e\n"), [owned(1, &["abc", "d\"e"])]);
}

#[test]
fn a_lone_carriage_return_ends_a_record_as_the_csv_crate_does() {
    assert_eq!(cells("a,b\rc\"\n"), [owned(1, &["a", "b"]), owned(1, &["c\""])]);
}

#[test]
fn a_quote_left_open_runs_to_the_end() {
    assert_eq!(cells("a\n\"b,\nc"), [owned(1, &["a"]), owned(2, &["b,\nc"])]);
}

#[test]
fn a_long_quoted_record_is_read_whole_across_many_fills() {
    let long = "x".repeat(10_000);
    let text = format!("a\n\"{long}\n{long}\",z\nb\n");
    let found = split(text.as_bytes(), 16);
    assert_eq!(found.len(), 3);
    assert_eq!(found[1].1, [format!("{long}\n{long}").into_bytes(), b"z".to_vec()]);
    assert_eq!((found[1].0, found[2].0), (2, 4));
}

struct Failing;

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::other("the zip's checksum does not match"))
    }
}

#[test]
fn a_source_that_fails_is_an_error_not_an_end() {
    let mut records = Records::new(b"a,b\nc".chain(Failing));
    let error = records.next_record().err().map(|e| e.to_string());
    assert_eq!(error.as_deref(), Some("the zip's checksum does not match"));
}

#[test]
fn same_start_compares_cells_not_just_bytes() {
    let first = b"ab,c,x\n";
    let second = b"a,bc,x\n";
    let mut one = Records::new(&first[..]);
    let mut kept = OwnedRecord::default();
    kept.keep(&one.next_record().expect("reads").expect("a record"));
    let mut two = Records::new(&second[..]);
    let other = two.next_record().expect("reads").expect("a record");
    assert!(!other.same_start(&kept.as_record(), 1));
    assert!(kept.as_record().same_start(&kept.as_record(), 1));
    assert!(!kept.as_record().same_start(&kept.as_record(), 3), "past the last cell");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Any bytes, split as the csv crate splits them, with the same lines, however the stream arrives.
    #[test]
    fn splits_as_the_csv_crate_does(
        text in proptest::collection::vec(prop::sample::select(b"ab,\"\r\n".to_vec()), 0..80),
        read in prop::sample::select(vec![1usize, 2, 3, 7, 64, READ]),
    ) {
        prop_assert_eq!(split(&text, read), csv_crate(&text));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Two records' first cells compared at once: never the same when they differ cell by cell, and
    /// always the same when written the same. (Equal cells written differently, quoted in one and not
    /// the other, may compare unequal: the caller then reads them afresh.)
    #[test]
    fn same_start_is_cell_by_cell_equality(
        one in proptest::collection::vec(prop::sample::select(b"ab,\"\r".to_vec()), 0..24),
        two in proptest::collection::vec(prop::sample::select(b"ab,\"\r".to_vec()), 0..24),
        last in 0usize..4,
    ) {
        let mut kept = OwnedRecord::default();
        let mut first = Records::new(&one[..]);
        let Some(record) = first.next_record().expect("reads") else { return Ok(()) };
        kept.keep(&record);
        let mut second = Records::new(&two[..]);
        let Some(other) = second.next_record().expect("reads") else { return Ok(()) };
        let kept = kept.as_record();
        let by_cell = kept.len() > last
            && other.len() > last
            && (0..=last).all(|i| kept.get(i) == other.get(i));
        if other.same_start(&kept, last) {
            prop_assert!(by_cell);
        }
        let again = Records::new(&one[..]).next_record().expect("reads").map(|r| r.same_start(&kept, last));
        prop_assert_eq!(again, Some(kept.len() > last));
    }
}
