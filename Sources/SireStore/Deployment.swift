import Foundation
import SireCore

/// What the controller has made of one workflow (by id) on the tracked branch: the version it
/// last saw (attempted) and the last valid version it deployed (applied). An invalid new
/// version never replaces the applied one.
public struct Deployment: Sendable, Hashable {
    public var workflowID: String
    /// Path of the attempted version.
    public var path: String
    public var attemptedCommit: String
    public var attemptedBlob: String
    /// Whether the attempted version is valid (and so also the applied one).
    public var valid: Bool
    /// The attempted version's problems, as JSON (an array of diagnostic objects).
    public var diagnostics: String
    public var appliedCommit: String?
    public var appliedPath: String?
    public var appliedBlob: String?
    /// Set once the workflow's file left the branch: nothing new starts; in-flight runs finish.
    public var retiredAt: Date?
    public var updatedAt: Date

    public init(
        workflowID: String, path: String, attemptedCommit: String, attemptedBlob: String, valid: Bool,
        diagnostics: String = "[]", appliedCommit: String? = nil, appliedPath: String? = nil,
        appliedBlob: String? = nil, retiredAt: Date? = nil, updatedAt: Date = Date()
    ) {
        self.workflowID = workflowID
        self.path = path
        self.attemptedCommit = attemptedCommit
        self.attemptedBlob = attemptedBlob
        self.valid = valid
        self.diagnostics = diagnostics
        self.appliedCommit = appliedCommit
        self.appliedPath = appliedPath
        self.appliedBlob = appliedBlob
        self.retiredAt = retiredAt
        self.updatedAt = updatedAt
    }

    /// True when a version of the workflow is deployed and not retired.
    public var isLive: Bool { appliedBlob != nil && retiredAt == nil }
}
