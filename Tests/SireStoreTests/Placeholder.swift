import Testing
@testable import SireStore
