extension Duration {
    /// The duration as fractional seconds, for metrics and logs.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
