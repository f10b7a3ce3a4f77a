//! [`Tasks`]: the background tasks of one process (its delivery engines,
//! the keyring asked again, the events forwarded), spawned through one
//! handle so that they end together.
//!
//! A process that stops on purpose lets its tasks finish their work (see
//! `Desk::shutdown`); [`Tasks::abort_all`] is what a killed process
//! amounts to (every task dropped at its current await, nothing cleaned
//! up), and [`Tasks::stop`] what a stopped one (SIGSTOP, a laptop lid
//! closed on a stalled process) amounts to: no task is polled until
//! [`Tasks::resume`]. The seeded simulation uses both; a desktop run
//! never stops its own tasks.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use tokio::task::{AbortHandle, JoinHandle};

/// A process's task group; clones share it.
#[derive(Clone, Default)]
pub struct Tasks(Arc<Group>);

#[derive(Default)]
struct Group {
    handles: Mutex<Vec<AbortHandle>>,
    stopped: AtomicBool,
    /// Tasks that found the group stopped, woken on resume.
    parked: Mutex<Vec<Waker>>,
}

impl std::fmt::Debug for Tasks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tasks")
            .field("running", &lock(&self.0.handles).len())
            .field("stopped", &self.0.stopped.load(Ordering::SeqCst))
            .finish()
    }
}

impl Tasks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Spawns `task` on the current tokio runtime as one of this group's.
    pub fn spawn<T: Send + 'static>(
        &self,
        task: impl Future<Output = T> + Send + 'static,
    ) -> JoinHandle<T> {
        let group = self.0.clone();
        let handle = tokio::spawn(async move {
            let mut task = std::pin::pin!(task);
            std::future::poll_fn(|cx| group.poll_unless_stopped(cx, task.as_mut())).await
        });
        let mut handles = lock(&self.0.handles);
        handles.retain(|handle| !handle.is_finished());
        handles.push(handle.abort_handle());
        handle
    }

    /// Drops every task at its current await, as a killed process's are:
    /// no destructor of theirs gets to finish any work.
    pub fn abort_all(&self) {
        for handle in lock(&self.0.handles).drain(..) {
            handle.abort();
        }
        self.resume();
    }

    /// From now on no task of the group is polled (timers still fire, the
    /// world goes on), until [`Tasks::resume`].
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
    }

    pub fn resume(&self) {
        self.0.stopped.store(false, Ordering::SeqCst);
        for waker in lock(&self.0.parked).drain(..) {
            waker.wake();
        }
    }

    pub fn is_stopped(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }
}

impl Group {
    fn poll_unless_stopped<T>(
        &self,
        cx: &mut Context<'_>,
        task: std::pin::Pin<&mut impl Future<Output = T>>,
    ) -> Poll<T> {
        if self.stopped.load(Ordering::SeqCst) {
            lock(&self.parked).push(cx.waker().clone());
            // Resumed between the look and the parking: poll on.
            if self.stopped.load(Ordering::SeqCst) {
                return Poll::Pending;
            }
        }
        task.poll(cx)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn a_stopped_group_is_not_polled_and_an_aborted_one_is_gone() {
        let tasks = Tasks::new();
        let ticks = Arc::new(AtomicU32::new(0));
        let counting = ticks.clone();
        let task = tasks.spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                counting.fetch_add(1, Ordering::SeqCst);
            }
        });
        tokio::time::sleep(Duration::from_millis(3_500)).await;
        assert_eq!(ticks.load(Ordering::SeqCst), 3);
        tasks.stop();
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(ticks.load(Ordering::SeqCst), 3, "stopped: nothing ran");
        tasks.resume();
        tokio::task::yield_now().await;
        assert_eq!(
            ticks.load(Ordering::SeqCst),
            4,
            "the timer that fired meanwhile is seen at once"
        );
        tasks.abort_all();
        assert!(task.await.unwrap_err().is_cancelled());
    }
}
