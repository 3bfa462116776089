/// The stable rule id of a problem found while composing YAML.
public enum YAMLRule: String, Sendable, Hashable, CaseIterable {
    /// libyaml could not parse the text; nothing after the error is composed.
    case syntax = "yaml-syntax"
    /// A tab is used where YAML needs indentation spaces.
    case tab = "yaml-tab"
    /// A mapping repeats a key; the first pair is kept.
    case duplicateKey = "duplicate-key"
    /// Aliases expand to more nodes than `YAMLLimits.maxAliasNodes`.
    case aliasBudget = "yaml-alias-budget"
    /// The document holds more nodes than `YAMLLimits.maxNodes`.
    case nodeBudget = "yaml-node-budget"
    /// Nesting is deeper than `YAMLLimits.maxDepth`.
    case depth = "yaml-depth"
    /// The stream holds more than one document; only the first is composed.
    case multipleDocuments = "yaml-multiple-documents"
    /// An alias names an anchor that is not defined before it (or encloses it).
    case unknownAlias = "yaml-unknown-alias"
    /// A `<<` merge key, which YAML 1.2 does not define; the pair is dropped.
    case mergeKey = "yaml-merge-key"
    /// A core tag (`!!int`, `!!bool`, ...) on a scalar that is not of that type.
    case invalidTag = "yaml-tag"
}
