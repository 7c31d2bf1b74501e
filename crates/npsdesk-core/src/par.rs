//! [`join`]: how a step of npsdesk runs its two halves on two cores. The machines it runs on are laptops
//! with two or more cores, and each parallel step (writing and reading the columnar copy, tagging, counting,
//! the bootstrap) splits its work in two, one half per core; a thread pool would keep threads alive between
//! the steps for nothing. (The import's parser and writer are a pipeline, not two halves: they keep their own
//! scoped threads and channels in `npsdesk-store`'s `import.rs`.)

/// Runs `a` on this thread and `b` on a second, scoped thread, and returns both results once both are done.
/// A panic in `b` is raised again here, with its own message, as if `b` had run on this thread (not handed back
/// as an `Err` to unwrap). A panic in `a` is raised once `b` has finished; if both panic, `a`'s is the one
/// raised.
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB + Send,
    RB: Send,
{
    std::thread::scope(|scope| {
        let second = scope.spawn(b);
        let first = a();
        (first, second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn both_halves_run_and_the_second_on_another_thread() {
        let here = std::thread::current().id();
        let data = [1u64, 2, 3, 4, 5, 6, 7];
        let (head, tail) = data.split_at(3);
        let ((sum_a, thread_a), (sum_b, thread_b)) = join(
            || (head.iter().sum::<u64>(), std::thread::current().id()),
            || (tail.iter().sum::<u64>(), std::thread::current().id()),
        );
        // 1+2+3 and 4+5+6+7, by hand.
        assert_eq!((sum_a, sum_b), (6, 22));
        assert_eq!(thread_a, here);
        assert_ne!(thread_b, here);
    }

    #[test]
    fn a_panic_on_the_second_thread_reaches_the_caller_with_its_message() {
        let caught = std::panic::catch_unwind(|| join(|| 1, || -> u32 { panic!("second half failed") }));
        let payload = caught.expect_err("the second half's panic must reach the caller");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"second half failed"));
    }
}
