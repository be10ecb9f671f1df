import ServiceLifecycle

/// Runs `pass` again and again, sleeping the delay it returns in between, until graceful
/// shutdown begins or the task is cancelled. The body of the daemon's background loops.
func repeatUntilShutdown(_ pass: @escaping @Sendable () async -> Duration) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            let delay = await pass()
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
        }
    }
}
