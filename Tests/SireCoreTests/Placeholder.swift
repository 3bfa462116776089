import Testing
@testable import SireCore
