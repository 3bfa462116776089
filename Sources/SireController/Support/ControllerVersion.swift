/// The version written into ledger records and shown by `--version`.
package enum ControllerVersion {
    package static let current = "0.2.0"
}
