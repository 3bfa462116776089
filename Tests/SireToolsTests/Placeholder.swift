import Testing
@testable import SireTools
