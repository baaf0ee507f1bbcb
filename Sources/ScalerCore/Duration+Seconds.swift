extension Duration {
    /// Seconds as a Double, for messages and comparisons with configured seconds.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
