#include <git2.h>

/// `git_libgit2_opts` is variadic and so not callable from Swift: one wrapper per option we set.
static inline int sire_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

/// Trust only the PEM certificates in `file` for https (replaces the default locations).
static inline int sire_git_set_ssl_cert_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, (const char *)0);
}

#include <git2/sys/odb_backend.h>
#include <git2/sys/mempack.h>
