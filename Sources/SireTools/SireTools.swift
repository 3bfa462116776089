import SireCore
