import Testing
@testable import SireEngine
