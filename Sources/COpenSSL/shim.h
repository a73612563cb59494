#ifndef ANCHORD_COPENSSL_SHIM_H
#define ANCHORD_COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

/* EVP_PKEY_PUBLIC_KEY is an expression macro, which Swift cannot import: the selection that
   EVP_PKEY_fromdata needs to build a public key (domain parameters and the public part). */
static inline int anchord_EVP_PKEY_PUBLIC_KEY(void) {
    return EVP_PKEY_PUBLIC_KEY;
}

/* OSSL_PARAM arrays keep pointers to their parameter names rather than copies, so a name must outlive
   the array. C string literals have static storage; the temporary C strings Swift makes when it passes
   a String to a `const char *` do not. Hence these: the names OpenSSL's macros spell, as static strings. */
static inline const char *anchord_OSSL_PKEY_PARAM_RSA_N(void) { return OSSL_PKEY_PARAM_RSA_N; }
static inline const char *anchord_OSSL_PKEY_PARAM_RSA_E(void) { return OSSL_PKEY_PARAM_RSA_E; }
static inline const char *anchord_OSSL_PKEY_PARAM_GROUP_NAME(void) { return OSSL_PKEY_PARAM_GROUP_NAME; }
static inline const char *anchord_OSSL_PKEY_PARAM_PUB_KEY(void) { return OSSL_PKEY_PARAM_PUB_KEY; }

#endif
