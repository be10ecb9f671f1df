import Synchronization

extension Task where Failure == Never, Success: Sendable {
    /// The task's value, or nil when it is not done within `deadline`; the task itself runs on.
    ///
    /// A task group cannot do this: it waits for all children, and awaiting another task's
    /// value does not react to cancellation, so the reply would wait for Docker after all.
    func value(within deadline: Duration) async -> Success? {
        let reply = ResumeOnce<Success?>()
        return await withCheckedContinuation { continuation in
            reply.arm(continuation)
            let timer = Task<Void, Never> {
                try? await Task<Never, Never>.sleep(for: deadline)
                reply.resume(returning: nil)
            }
            Task<Void, Never> {
                reply.resume(returning: await self.value)
                // Without this, every reply would leave a sleeping task behind for the whole deadline.
                timer.cancel()
            }
        }
    }
}

/// A continuation that the first of several racers resumes; later resumes are ignored.
private final class ResumeOnce<Value: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Value, Never>?>(nil)

    func arm(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(returning value: Value) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}
