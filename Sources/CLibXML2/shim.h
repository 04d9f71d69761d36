#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

// Debian's libxml2 is built with ICU; its unicode headers clash with Foundation's
// copy ("'UErrorCode' has different definitions"). Nothing here needs ICU, so the
// flag is dropped before any other libxml header is read.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

// `xmlFree` is a mutable C global (a function pointer) that Swift 6 rejects.
static inline void cxml_free(void *p) { xmlFree(p); }

// Entity-declaration guard. Feeds never need DTD entities, and every known XML
// entity attack (external file or URL, parameter entities, billion laughs, one
// entity referenced thousands of times) starts with an <!ENTITY> declaration. The
// guard replaces the SAX entityDecl callback of one parser context: the first
// declaration sets *flag to 1 and stops the parser before anything is expanded.
static inline void cxml_refuse_entity_decl(void *ctx, const xmlChar *name, int type,
                                           const xmlChar *publicId, const xmlChar *systemId,
                                           xmlChar *content) {
    (void)name; (void)type; (void)publicId; (void)systemId; (void)content;
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    if (ctxt == NULL) return;
    if (ctxt->_private != NULL) *(int *)ctxt->_private = 1;
    xmlStopParser(ctxt);
}

// Installs the guard on a context made by xmlNewParserCtxt (which owns its own SAX
// handler, so no other parser is affected). `flag` must outlive the parse.
static inline void cxml_install_entity_guard(xmlParserCtxtPtr ctxt, int *flag) {
    if (ctxt == NULL || ctxt->sax == NULL) return;
    ctxt->_private = flag;
    ctxt->sax->entityDecl = cxml_refuse_entity_decl;
}

#endif
