import ServiceLifecycle

#if canImport(Glibc)
import CMalloc
#endif

/// Gives memory freed after a burst back to the kernel.
///
/// glibc keeps freed heap pages for reuse and returns only what sits at the top of each arena,
/// so after an alert storm (2,000 webhooks at once, 1 MiB bodies) failoverd's resident memory
/// stayed at the peak although the memory was free. `malloc_trim` releases every free page;
/// at most two arenas (set once at startup) keep that cheap and the heap compact.
struct HeapTrimService: Service {
    /// How often free memory is released: rarely enough to cost nothing measurable.
    static let interval: Duration = .seconds(10)

    /// Limits glibc to two malloc arenas; call before the daemon's threads allocate much.
    static func limitArenas() {
        #if canImport(Glibc)
        mallopt(M_ARENA_MAX, 2)
        #endif
    }

    func run() async throws {
        await repeatUntilShutdown {
            #if canImport(Glibc)
            malloc_trim(0)
            #endif
            return Self.interval
        }
    }
}
