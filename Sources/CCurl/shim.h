#ifndef TEPAI_CCURL_SHIM_H
#define TEPAI_CCURL_SHIM_H

#include <curl/curl.h>

/* Swift cannot call the variadic curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt:
   these typed, non-variadic wrappers are what the Swift side calls. They must stay static inline
   because a system-library target compiles no C. */

static inline CURLcode tepai_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tepai_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tepai_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tepai_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tepai_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*tepai_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode tepai_easy_setopt_write_function(CURL *h, tepai_write_callback cb) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, cb);
}
static inline CURLcode tepai_easy_setopt_header_function(CURL *h, tepai_write_callback cb) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, cb);
}

static inline CURLcode tepai_easy_getinfo_long(CURL *h, CURLINFO i, long *out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode tepai_easy_getinfo_double(CURL *h, CURLINFO i, double *out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode tepai_easy_getinfo_pointer(CURL *h, CURLINFO i, void **out) { return curl_easy_getinfo(h, i, out); }

static inline CURLMcode tepai_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

#endif
