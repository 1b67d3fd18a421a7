//! Callback registries: calls that keep the closure given to them and run it later, on
//! another thread or at another event (SPEC §1). A closure given to one is not async
//! context, whatever code it is written in.

use super::canonical;

/// Functions that register a closure to run later, elsewhere: file watchers, signal
/// handlers, runtime factories, hooks.
pub(crate) static CALLBACK_REGISTRIES: &[&str] = &[
    "notify::recommended_watcher",
    "notify::RecommendedWatcher::new",
    "notify::PollWatcher::new",
    "notify::INotifyWatcher::new",
    "notify::FsEventWatcher::new",
    "notify::KqueueWatcher::new",
    "notify::ReadDirectoryChangesWatcher::new",
    "notify_debouncer_mini::new_debouncer",
    "notify_debouncer_mini::new_debouncer_opt",
    "notify_debouncer_full::new_debouncer",
    "notify_debouncer_full::new_debouncer_opt",
    "ctrlc::set_handler",
    "ctrlc::try_set_handler",
    "signal_hook::low_level::register",
    "signal_hook::low_level::register_sigaction",
    "signal_hook::low_level::register_unchecked",
    "signal_hook_registry::register",
    "signal_hook_registry::register_sigaction",
    "signal_hook_registry::register_unchecked",
    "actix_rt::Arbiter::with_tokio_rt",
    "actix_rt::System::with_tokio_rt",
    "std::panic::set_hook",
    // Fault injection: the closure runs when the fail point is hit, in the code under test.
    "fail::cfg_callback",
];

/// Methods that keep a closure to run on other threads or when something else calls it: a
/// runtime or pool builder's thread hooks, a jobserver client's helper thread, a test
/// double's answer (mockall's `returning`, wiremock's `respond_with`: it runs where the
/// double is called, not where it is set up).
pub(crate) static CALLBACK_METHODS: &[&str] = &[
    "on_thread_start",
    "on_thread_stop",
    "on_thread_park",
    "on_thread_unpark",
    "thread_name_fn",
    "start_handler",
    "exit_handler",
    "panic_handler",
    "into_helper_thread",
    "returning",
    "returning_st",
    "respond_with",
];

/// Methods that store their argument in a collection or send it as a message: a closure
/// given to one runs when its owner calls it, not here.
pub(crate) static STORING_METHODS: &[&str] = &[
    "push",
    "push_back",
    "push_front",
    "insert",
    "send",
    "try_send",
    "send_timeout",
    "unbounded_send",
];

/// Calls that wrap a value without running it: a closure inside one is still the
/// closure (`Some(Box::new(move || ..))`). The last two segments of the path.
pub(crate) static CLOSURE_WRAPPERS: &[&str] = &["Some", "Ok", "Box::new", "Arc::new", "Rc::new"];

/// Wrappers that erase a closure's type to store it (`Box<dyn Fn()>`): a call taking one
/// keeps the closure.
pub(crate) static CLOSURE_BOXES: &[&str] = &["Box::new", "Arc::new", "Rc::new"];

pub(crate) fn is_callback_registry(path: &str) -> bool {
    let path = canonical(path);
    CALLBACK_REGISTRIES.contains(&path.as_ref())
}
