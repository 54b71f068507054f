//! `/metrics` in the Prometheus text format: requests by route and status,
//! how long comparisons take, how many pairs were diffed or answered from
//! the cache, and how many comparisons wait.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The labels of a request count.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

/// The server's metrics, registered once.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    comparison_seconds: Histogram,
    pairs_compared: Counter,
    pairs_reused: Counter,
    queue_depth: Gauge<i64, std::sync::atomic::AtomicI64>,
    running: Gauge<i64, std::sync::atomic::AtomicI64>,
}

impl Metrics {
    /// Every metric, at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("confdiff");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            requests.clone(),
        );
        let comparison_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        registry.register(
            "comparison_duration_seconds",
            "How long comparisons took, from start to saved",
            comparison_seconds.clone(),
        );
        let pairs_compared = Counter::default();
        registry.register(
            "pairs_compared",
            "Pairs of config files diffed",
            pairs_compared.clone(),
        );
        let pairs_reused = Counter::default();
        registry.register(
            "pairs_reused",
            "Pairs of config files answered from the result cache",
            pairs_reused.clone(),
        );
        let queue_depth = Gauge::default();
        registry.register(
            "queue_depth",
            "Comparisons waiting for a worker slot",
            queue_depth.clone(),
        );
        let running = Gauge::default();
        registry.register(
            "comparisons_running",
            "Comparisons running now",
            running.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            requests,
            comparison_seconds,
            pairs_compared,
            pairs_reused,
            queue_depth,
            running,
        }
    }

    /// Counts one answered request; `route` is the route's template
    /// (`/api/runs/{id}`), never the path a client sent.
    pub fn request(&self, route: &str, status: u16) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                status,
            })
            .inc();
    }

    /// Records one finished comparison.
    pub fn comparison(&self, seconds: f64, compared: usize, reused: usize) {
        self.comparison_seconds.observe(seconds);
        self.pairs_compared.inc_by(compared as u64);
        self.pairs_reused.inc_by(reused as u64);
    }

    /// How many comparisons wait now.
    pub fn set_queue_depth(&self, depth: usize) {
        self.queue_depth.set(depth as i64);
    }

    /// One more (`+1`) or one fewer (`-1`) comparison running.
    pub fn running(&self, change: i64) {
        self.running.inc_by(change);
    }

    /// The text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        let registry = self
            .registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        prometheus_client::encoding::text::encode(&mut text, &registry)
            .expect("writing to a String cannot fail");
        text
    }
}
