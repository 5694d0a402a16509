/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the output layer. */
#ifndef PCILU_OUTPUT_INT_H
#define PCILU_OUTPUT_INT_H

#include "../pci/pci_int.h"
#include <pcilu/output.h>

#include <json-c/json.h>

/* json_object_object_add that tolerates a NULL value (allocation failure). */
void pcilu_json_add(struct json_object *o, const char *key, struct json_object *v);
struct json_object *pcilu_json_hex(unsigned v, int width);
struct json_object *pcilu_json_bdf(const struct pcilu_dev *dev);
struct json_object *pcilu_json_acs_flags(uint16_t flags);
/* The device's ACS as an object: state (read, absent, unknown), cap, ctrl. */
struct json_object *pcilu_json_acs(const struct pcilu_dev *dev);
/* Print a JSON document and free it; -ENOMEM when it could not be built. */
int pcilu_json_print(FILE *f, struct json_object *root);
/* "8086:1234 Vendor Device" into buf. */
const char *pcilu_dev_label(const struct pcilu_dev *dev, struct pcilu_names *n, char *buf, size_t len);
/* One-line ACS summary for text output: "ACS cap SV|RR ctl SV", "ACS unknown (...)". */
const char *pcilu_acs_summary(const struct pcilu_dev *dev, char *buf, size_t len);

/* The fields every command's JSON gives for a device (docs/json.md, "device"). */
void pcilu_json_dev_fields(struct json_object *o, const struct pcilu_dev *d, struct pcilu_names *n);
/* "tree", "sysfs", ... */
const char *pcilu_source_kind_name(enum pcilu_source_kind k);

#endif
