//! One sort for the whole crate. Every `slice::sort_by` / `sort_by_key` on another element type or
//! with another comparator compiles its own copy of the standard library's stable sort (quicksort,
//! drift sort, small sorts: 3 to 5 KB of wasm each). These helpers sort positions (`usize`) with a
//! comparator behind `&dyn Fn`, so the page carries that code once. Equal keys keep their order,
//! exactly as with `slice::sort_by_key`.

use std::cmp::Ordering;

/// Sorts `items` by `key`; items with equal keys keep their order.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` with `compare`; items that compare equal keep their order.
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(
        order
            .iter()
            .map(|&i| slots[i].take().expect("each position once")),
    );
}

/// Sorts `positions` (indexes into something the caller holds) with `compare`, stably: the one
/// instance of the standard library's sort in the page.
pub fn sort_positions(positions: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    positions.sort_by(|a, b| compare(*a, *b));
}

#[cfg(test)]
mod tests {
    #[test]
    fn sorts_like_the_standard_library_keeping_equal_keys_in_order() {
        let words = ["pear", "fig", "apple", "kiwi", "plum", "date", "", "banana"];
        let mut ours: Vec<&str> = words.to_vec();
        let mut std_sorted = ours.clone();
        super::sort_by_key(&mut ours, |w| w.len());
        std_sorted.sort_by_key(|w| w.len());
        assert_eq!(ours, std_sorted);
        assert_eq!(
            ours,
            ["", "fig", "pear", "kiwi", "plum", "date", "apple", "banana"]
        );
    }
}
