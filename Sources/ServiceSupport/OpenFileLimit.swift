#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-files limit (RLIMIT_NOFILE). A daemon started outside its unit (a shell, a
/// container, a test) inherits a soft limit of 1024 while the hard one is far higher; every
/// client connection is a descriptor, so failoverd raises the soft limit to the hard one first.
public struct OpenFileLimit: Sendable, Equatable {
    /// The limit in force.
    public var soft: Int
    /// The most the process may raise it to without privilege.
    public var hard: Int

    /// Creates a limit.
    public init(soft: Int, hard: Int) {
        self.soft = soft
        self.hard = hard
    }

    /// The limit now.
    public static func current() -> OpenFileLimit {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return OpenFileLimit(soft: Self.count(limit.rlim_cur), hard: Self.count(limit.rlim_max))
    }

    /// Raises the soft limit to the hard one and returns the limit in force afterwards (the
    /// old one when the kernel refused).
    public static func raiseSoftToHard() -> OpenFileLimit {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return current() }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return current()
    }

    /// RLIM_INFINITY and values beyond Int read as Int.max.
    private static func count(_ value: rlim_t) -> Int {
        value > rlim_t(Int.max) ? Int.max : Int(value)
    }
}
