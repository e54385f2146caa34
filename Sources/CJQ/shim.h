#ifndef CJQ_SHIM_H
#define CJQ_SHIM_H
/* libjq (Debian libjq-dev; jq 1.6 and newer). No pkg-config file ships with it: the module
   map links "jq" itself. */
#include <jq.h>
#include <jv.h>

/* jv_is_valid is static inline in jv.h already; these name the kinds so Swift code never
   hard-codes a C enum value. */
static inline jv_kind CJQ_kindInvalid(void) { return JV_KIND_INVALID; }
static inline jv_kind CJQ_kindNull(void) { return JV_KIND_NULL; }
static inline jv_kind CJQ_kindFalse(void) { return JV_KIND_FALSE; }
static inline jv_kind CJQ_kindTrue(void) { return JV_KIND_TRUE; }
static inline jv_kind CJQ_kindNumber(void) { return JV_KIND_NUMBER; }
static inline jv_kind CJQ_kindString(void) { return JV_KIND_STRING; }
static inline jv_kind CJQ_kindArray(void) { return JV_KIND_ARRAY; }
static inline jv_kind CJQ_kindObject(void) { return JV_KIND_OBJECT; }
#endif
