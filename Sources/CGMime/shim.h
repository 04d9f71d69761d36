#ifndef CGMIME_SHIM_H
#define CGMIME_SHIM_H

/* GMime 3 for Swift: GObject cast and type-check macros are function-like
   macros that Swift cannot import, so each has a checked static inline
   wrapper here that returns NULL (or 0) when the type differs. */

#include <gmime/gmime.h>

static inline void cgmime_unref(void *object) {
    if (object != NULL) g_object_unref(object);
}

static inline void cgmime_free(void *pointer) { g_free(pointer); }

/* GMimeObject -> concrete part types */
static inline GMimeMultipart *cgmime_as_multipart(GMimeObject *object) {
    return (object != NULL && GMIME_IS_MULTIPART(object)) ? GMIME_MULTIPART(object) : NULL;
}
static inline GMimePart *cgmime_as_part(GMimeObject *object) {
    return (object != NULL && GMIME_IS_PART(object)) ? GMIME_PART(object) : NULL;
}
static inline GMimeTextPart *cgmime_as_text_part(GMimeObject *object) {
    return (object != NULL && GMIME_IS_TEXT_PART(object)) ? GMIME_TEXT_PART(object) : NULL;
}
static inline GMimeMessagePart *cgmime_as_message_part(GMimeObject *object) {
    return (object != NULL && GMIME_IS_MESSAGE_PART(object)) ? GMIME_MESSAGE_PART(object) : NULL;
}
static inline GMimeObject *cgmime_message_as_object(GMimeMessage *message) {
    return (GMimeObject *) message;
}
static inline GMimeObject *cgmime_part_as_object(GMimePart *part) {
    return (GMimeObject *) part;
}
static inline GMimePart *cgmime_text_part_as_part(GMimeTextPart *part) {
    return (GMimePart *) part;
}

/* InternetAddress kinds */
static inline InternetAddressMailbox *cgmime_as_mailbox(InternetAddress *address) {
    return (address != NULL && INTERNET_ADDRESS_IS_MAILBOX(address)) ? INTERNET_ADDRESS_MAILBOX(address) : NULL;
}
static inline InternetAddressGroup *cgmime_as_group(InternetAddress *address) {
    return (address != NULL && INTERNET_ADDRESS_IS_GROUP(address)) ? INTERNET_ADDRESS_GROUP(address) : NULL;
}

/* Undeclared 8-bit header bytes: try UTF-8, else Windows-1252 (a superset of the printable
   ISO-8859-1 range, and what mislabelled Western mail really is). */
static inline void cgmime_parser_options_use_western_fallback(GMimeParserOptions *options) {
    const char *charsets[] = { "UTF-8", "windows-1252", NULL };
    g_mime_parser_options_set_fallback_charsets(options, charsets);
}

/* Streams */
static inline GMimeStream *cgmime_stream_mem_borrowing(const void *bytes, size_t length, GByteArray **array_out) {
    /* Wraps caller-owned bytes without copying; the caller must keep the bytes
       alive while the stream lives and release with cgmime_stream_mem_release. */
    GByteArray *array = g_byte_array_new_take((guint8 *) bytes, length);
    GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(array);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
    *array_out = array;
    return stream;
}
static inline void cgmime_stream_mem_release(GMimeStream *stream, GByteArray *array) {
    g_object_unref(stream);
    /* FALSE: hand the borrowed bytes back instead of freeing them. */
    (void) g_byte_array_free(array, FALSE);
}
static inline size_t cgmime_stream_null_written(GMimeStream *stream) {
    return (stream != NULL && GMIME_IS_STREAM_NULL(stream)) ? GMIME_STREAM_NULL(stream)->written : 0;
}
static inline GByteArray *cgmime_stream_mem_bytes(GMimeStream *stream) {
    return (stream != NULL && GMIME_IS_STREAM_MEM(stream)) ? g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream)) : NULL;
}

#endif
