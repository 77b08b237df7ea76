//! The signing threads: deliveries are signed here, off the async runtime's threads and below
//! them in CPU priority.
//!
//! An RSA-2048 signature costs 0.4–0.9 ms of CPU on a small server, and every delivery needs
//! one: a community thread followed from two instances needs two, a post with followers on a
//! thousand servers a thousand. Signed on the runtime's threads, a burst of deliveries would hold
//! up the requests those threads serve, and a slow inbox makes remote servers time out and send
//! again. So signatures run on `federation.signing_threads` threads of their own whose niceness
//! is raised by `federation.signing_niceness` (Linux): when the machine is busy, incoming
//! activities and pages are served first, and the deliveries — durable in the database, in order
//! per server — go out as soon as there is room. On an idle machine nothing changes.
//!
//! The parsed private keys of local actors are kept here too (parsing one costs about as much
//! as a signature), for the life of the process: local keys never change.

use super::signatures::{SignError, SigningKey, sign_post};
use http::HeaderMap;
use std::{
    collections::HashMap,
    panic::AssertUnwindSafe,
    sync::{Arc, Mutex, mpsc},
};
use url::Url;

type Keys = Mutex<HashMap<i64, SigningKey>>;
type Job = Box<dyn FnOnce(&Keys) + Send>;

/// Local actors' keys kept parsed at most; beyond, the cache starts again (a fan-out is sent by
/// a handful of actors).
const MAX_KEYS: usize = 10_000;

/// Handle on the signing threads; cheap to clone. The threads stop when every handle is gone.
#[derive(Clone)]
pub struct Signer {
    jobs: mpsc::Sender<Job>,
}

/// What the signing threads need to sign one delivery.
pub struct ToSign {
    pub actor_id: i64,
    pub actor_ap_id: String,
    pub private_key_pem: String,
    pub inbox: Url,
    pub body: Vec<u8>,
}

impl Signer {
    /// Starts `threads` signing threads (0: one per CPU core), each `niceness` steps below the
    /// process in priority (0 keeps the process's priority).
    pub fn start(threads: usize, niceness: u8) -> std::io::Result<Signer> {
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let keys: Arc<Keys> = Default::default();
        for i in 0..threads {
            let (rx, keys) = (rx.clone(), keys.clone());
            std::thread::Builder::new()
                .name(format!("signer-{i}"))
                .spawn(move || {
                    lower_priority(niceness);
                    loop {
                        // the lock is held only while waiting for the next job
                        let job = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        // a panicking job loses its answer (its caller gets an error), not the
                        // thread
                        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&keys)));
                    }
                })?;
        }
        Ok(Signer { jobs: tx })
    }

    /// Signs a delivery (an activity POSTed to an inbox) on the signing threads; gives back the
    /// headers with the body.
    pub async fn sign_delivery(
        &self,
        d: ToSign,
    ) -> Result<(HeaderMap, Vec<u8>), DeliverySignError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |keys| {
            let _ = tx.send(sign_with_cache(keys, d));
        });
        self.jobs
            .send(job)
            .map_err(|_| DeliverySignError::Stopped)?;
        Ok(rx.await.map_err(|_| DeliverySignError::Stopped)??)
    }
}

/// Why a delivery was not signed.
#[derive(Debug, thiserror::Error)]
pub enum DeliverySignError {
    /// It never can be (no usable key): the delivery is dropped.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The process is stopping (or a signing job panicked): the delivery is tried again later.
    #[error("the signing threads have stopped")]
    Stopped,
}

fn sign_with_cache(keys: &Keys, d: ToSign) -> Result<(HeaderMap, Vec<u8>), SignError> {
    let cached = keys
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&d.actor_id)
        .cloned();
    let key = match cached {
        Some(k) => k,
        None => {
            let k = SigningKey::from_pem(&d.actor_ap_id, &d.private_key_pem)
                .map_err(|e| SignError(format!("unusable private key: {e}")))?;
            let mut keys = keys.lock().unwrap_or_else(|e| e.into_inner());
            if keys.len() >= MAX_KEYS {
                keys.clear();
            }
            keys.insert(d.actor_id, k.clone());
            k
        }
    };
    let headers = sign_post(&key, &d.inbox, &d.body)?;
    Ok((headers, d.body))
}

/// Raises the calling thread's niceness by `niceness` (Linux: `setpriority` on a thread id
/// changes that thread only). Lowering one's own priority needs no privilege.
#[cfg(target_os = "linux")]
fn lower_priority(niceness: u8) {
    if niceness == 0 {
        return;
    }
    // SAFETY: gettid, getpriority and setpriority take plain integers and touch no memory of
    // ours; PRIO_PROCESS with a thread id designates this thread alone.
    let result = unsafe {
        let tid = libc::gettid() as libc::id_t;
        let current = libc::getpriority(libc::PRIO_PROCESS, tid);
        libc::setpriority(
            libc::PRIO_PROCESS,
            tid,
            (current + i32::from(niceness)).min(19),
        )
    };
    if result != 0 {
        tracing::warn!(
            "cannot lower the signing threads' priority: {}",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority(_niceness: u8) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::signatures::generate_keys;

    #[tokio::test]
    async fn signs_on_its_threads_with_cached_keys() {
        let signer = Signer::start(2, 5).unwrap();
        let keys = generate_keys().unwrap();
        let inbox = Url::parse("https://example.org/inbox").unwrap();
        let job = |body: &str| ToSign {
            actor_id: 7,
            actor_ap_id: "https://here.example/u/ana".into(),
            private_key_pem: keys.private_key_pem.clone(),
            inbox: inbox.clone(),
            body: body.as_bytes().to_vec(),
        };
        let (a, b) = tokio::join!(
            signer.sign_delivery(job("{\"n\":1}")),
            signer.sign_delivery(job("{\"n\":2}"))
        );
        let ((ha, body_a), (hb, _)) = (a.unwrap(), b.unwrap());
        assert_eq!(body_a, b"{\"n\":1}");
        let sig = ha["signature"].to_str().unwrap();
        assert!(sig.contains("keyId=\"https://here.example/u/ana#main-key\""));
        assert_ne!(ha["digest"], hb["digest"]);
        // an unusable key is an error for that delivery, and the threads go on
        let mut bad = job("{}");
        bad.actor_id = 8;
        bad.private_key_pem = "not a key".into();
        let err = signer.sign_delivery(bad).await.unwrap_err();
        assert!(err.to_string().contains("unusable private key"), "{err}");
        assert!(signer.sign_delivery(job("{}")).await.is_ok());
    }
}
