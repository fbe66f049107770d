/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A structure-aware mutator for fuzz-state: libFuzzer's byte mutations
 * almost never keep a GVariant in normal form, so nearly every mutated
 * stream stops at the parser and the section checks behind it see little.
 * This mutator parses the input as a state stream, changes one thing in
 * it, and serializes it again, so that the result is well formed and it is
 * the loader's own checks that decide:
 *
 *   - one value: a boolean flipped; an integer made 0, 1, its maximum, one
 *     more or less, a power of two, a random value or a bit flipped; a
 *     string given a changed, dropped or added character;
 *   - one array: an element removed, duplicated or moved (order, counts and
 *     uniqueness are what the loader checks).
 *
 * The value or array is chosen uniformly among all of them (a walk counts
 * them first).  An input that is not a state stream, and one mutation in
 * eight, goes to libFuzzer's own mutator instead, so byte-level damage
 * stays covered.
 */
#include <glib.h>
#include <string.h>

#include "cxfw-internal.h"      /* cxfw_state_byte_order */

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed);

typedef struct Mutation {
    GRand *rand;
    guint64 target;             /* the node to change, in walk order */
    guint64 seen;               /* nodes walked so far */
} Mutation;

/* Nodes are the values of basic types and the arrays. */
static bool is_node(GVariant *v)
{
    return g_variant_is_of_type(v, G_VARIANT_TYPE_BASIC) ||
           g_variant_is_of_type(v, G_VARIANT_TYPE_ARRAY);
}

static guint64 count_nodes(GVariant *v)
{
    guint64 n = is_node(v);

    if (g_variant_is_container(v)) {
        gsize children = g_variant_n_children(v);

        for (gsize i = 0; i < children; i++) {
            g_autoptr(GVariant) child = g_variant_get_child_value(v, i);

            n += count_nodes(child);
        }
    }
    return n;
}

/* A new value for an integer of width bits, old its current value. */
static guint64 mutate_integer(Mutation *m, guint64 old, unsigned bits)
{
    guint64 max = bits == 64 ? G_MAXUINT64 : (1ull << bits) - 1;
    guint64 r = (guint64)g_rand_int(m->rand) << 32 | g_rand_int(m->rand);

    switch (g_rand_int_range(m->rand, 0, 7)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return max;
    case 3: return (old + 1) & max;
    case 4: return (old - 1) & max;
    case 5: return 1ull << g_rand_int_range(m->rand, 0, bits);
    case 6: return old ^ (1ull << g_rand_int_range(m->rand, 0, bits));
    }
    return r & max;
}

static GVariant *mutate_string(Mutation *m, const char *s)
{
    g_autoptr(GString) str = g_string_new(s);
    gsize at = str->len ? g_rand_int_range(m->rand, 0, str->len) : 0;
    char c = 'a' + g_rand_int_range(m->rand, 0, 26);

    switch (str->len ? g_rand_int_range(m->rand, 0, 3) : 2) {
    case 0:
        str->str[at] = c;
        break;
    case 1:
        g_string_erase(str, at, 1);
        break;
    default:
        g_string_insert_c(str, at, c);
        break;
    }
    return g_variant_new_string(str->str);
}

static GVariant *mutate_basic(Mutation *m, GVariant *v)
{
    switch (g_variant_classify(v)) {
    case G_VARIANT_CLASS_BOOLEAN:
        return g_variant_new_boolean(!g_variant_get_boolean(v));
    case G_VARIANT_CLASS_BYTE:
        return g_variant_new_byte(mutate_integer(m, g_variant_get_byte(v),
                                                 8));
    case G_VARIANT_CLASS_UINT16:
        return g_variant_new_uint16(mutate_integer(m, g_variant_get_uint16(v),
                                                   16));
    case G_VARIANT_CLASS_UINT32:
        return g_variant_new_uint32(mutate_integer(m, g_variant_get_uint32(v),
                                                   32));
    case G_VARIANT_CLASS_UINT64:
        return g_variant_new_uint64(mutate_integer(m, g_variant_get_uint64(v),
                                                   64));
    case G_VARIANT_CLASS_STRING:
        return mutate_string(m, g_variant_get_string(v, NULL));
    default:
        /* no other basic type is in a state stream */
        return g_variant_ref(v);
    }
}

/* children[0..n) with one element removed, duplicated or moved. */
static void mutate_array(Mutation *m, GPtrArray *children)
{
    guint n = children->len, i, j;
    gpointer moved;

    if (n == 0) {
        return;
    }
    i = g_rand_int_range(m->rand, 0, n);
    switch (g_rand_int_range(m->rand, 0, 3)) {
    case 0:
        g_variant_unref(g_ptr_array_steal_index(children, i));
        break;
    case 1:
        g_ptr_array_insert(children, i, g_variant_ref(children->pdata[i]));
        break;
    default:
        j = g_rand_int_range(m->rand, 0, n);
        moved = g_ptr_array_steal_index(children, i);
        g_ptr_array_insert(children, j, moved);
        break;
    }
}

/* v rebuilt, with node m->target changed (a new floating or full ref). */
static GVariant *rebuild(Mutation *m, GVariant *v)
{
    bool target = is_node(v) && m->seen++ == m->target;
    g_autoptr(GPtrArray) children = NULL;
    gsize n;

    if (!g_variant_is_container(v)) {
        return target ? mutate_basic(m, v) : g_variant_ref(v);
    }
    n = g_variant_n_children(v);
    children = g_ptr_array_new_full(n, (GDestroyNotify)g_variant_unref);
    for (gsize i = 0; i < n; i++) {
        g_autoptr(GVariant) child = g_variant_get_child_value(v, i);

        /* rebuild returns a floating or a full reference: own it once */
        g_ptr_array_add(children, g_variant_take_ref(rebuild(m, child)));
    }
    if (target) {
        mutate_array(m, children);
    }
    switch (g_variant_classify(v)) {
    case G_VARIANT_CLASS_ARRAY:
        return g_variant_new_array(
            g_variant_type_element(g_variant_get_type(v)),
            (GVariant **)children->pdata, children->len);
    case G_VARIANT_CLASS_TUPLE:
        return g_variant_new_tuple((GVariant **)children->pdata,
                                   children->len);
    case G_VARIANT_CLASS_DICT_ENTRY:
        return g_variant_new_dict_entry(children->pdata[0],
                                        children->pdata[1]);
    case G_VARIANT_CLASS_VARIANT:
        return g_variant_new_variant(children->pdata[0]);
    default:
        /* no maybe types in a state stream */
        return g_variant_ref(v);
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
    g_autoptr(GBytes) bytes = g_bytes_new(data, size);
    g_autoptr(GVariant) state = NULL;
    g_autoptr(GVariant) mutated = NULL;
    Mutation m = { .rand = rand };
    guint64 nodes;
    gsize len;

    state = g_variant_ref_sink(g_variant_new_from_bytes(
        G_VARIANT_TYPE(CXFW_STATE_TYPE), bytes, FALSE));
    if (g_rand_int_range(rand, 0, 8) == 0 ||
        !g_variant_is_normal_form(state)) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    state = cxfw_state_byte_order(state);
    nodes = count_nodes(state);
    m.target = nodes ? (guint64)g_rand_double_range(rand, 0, nodes) : 0;
    mutated = cxfw_state_byte_order(g_variant_take_ref(rebuild(&m, state)));
    len = g_variant_get_size(mutated);
    if (len > max_size) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    g_variant_store(mutated, data);
    return len;
}
