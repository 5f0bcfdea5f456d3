/** Student programs for the similarity tests: an original, a disguised copy of it, unrelated work and the teacher's starter. */

/** The teacher's starter file, handed to every student. */
export const STARTER = `/* util.h: given to every student, do not change */
#include <stdio.h>
#include <stdlib.h>

int read_numbers(const char *path, int *values, int capacity) {
    FILE *in = fopen(path, "r");
    if (in == NULL) {
        perror("fopen");
        return -1;
    }
    int count = 0;
    while (count < capacity && fscanf(in, "%d", &values[count]) == 1) {
        count++;
    }
    fclose(in);
    return count;
}

void print_numbers(const int *values, int count) {
    for (int i = 0; i < count; i++) {
        printf("%d%s", values[i], i + 1 < count ? " " : "\\n");
    }
}
`;

/** Student A's own work. */
export const ORIGINAL = `#include "util.h"

/* Sorts the scores in place (insertion sort). */
static void sort_scores(int *scores, int n) {
    for (int i = 1; i < n; i++) {
        int key = scores[i];
        int j = i - 1;
        while (j >= 0 && scores[j] > key) {
            scores[j + 1] = scores[j];
            j--;
        }
        scores[j + 1] = key;
    }
}

// Median of sorted scores.
static double median(const int *scores, int n) {
    if (n % 2 == 1) return scores[n / 2];
    return (scores[n / 2 - 1] + scores[n / 2]) / 2.0;
}

static int binary_search(const int *scores, int n, int wanted) {
    int low = 0, high = n - 1;
    while (low <= high) {
        int mid = low + (high - low) / 2;
        if (scores[mid] == wanted) return mid;
        if (scores[mid] < wanted) low = mid + 1;
        else high = mid - 1;
    }
    return -1;
}

static void histogram(const int *scores, int n) {
    int buckets[10] = {0};
    for (int i = 0; i < n; i++) {
        int b = scores[i] / 10;
        if (b > 9) b = 9;
        if (b < 0) b = 0;
        buckets[b]++;
    }
    for (int b = 0; b < 10; b++) {
        printf("%3d-%3d: ", b * 10, b * 10 + 9);
        for (int k = 0; k < buckets[b]; k++) putchar('*');
        putchar('\\n');
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s scores.txt [wanted]\\n", argv[0]);
        return 2;
    }
    int scores[1000];
    int n = read_numbers(argv[1], scores, 1000);
    if (n <= 0) return 1;
    sort_scores(scores, n);
    print_numbers(scores, n);
    printf("median %.1f\\n", median(scores, n));
    histogram(scores, n);
    if (argc > 2) {
        int wanted = atoi(argv[2]);
        int at = binary_search(scores, n, wanted);
        printf(at >= 0 ? "found at %d\\n" : "not found (%d)\\n", at);
    }
    return 0;
}
`;

/** Student B: student A's work with every name changed, other comments and messages, another brace style. */
export const DISGUISED = `#include "util.h"

// my own sorting
static void order(int *arr, int len)
{
  for (int a = 1; a < len; a++)
  {
    int cur = arr[a];   // remember it
    int b = a - 1;
    while (b >= 0 && arr[b] > cur)
    {
      arr[b + 1] = arr[b];
      b--;
    }
    arr[b + 1] = cur;
  }
}

/*
 * the middle value
 */
static double middle(const int *arr, int len)
{
  if (len % 2 == 1) return arr[len / 2];
  return (arr[len / 2 - 1] + arr[len / 2]) / 2.0;
}

static void bars(const int *arr, int len)
{
  int slots[10] = {0};
  for (int a = 0; a < len; a++)
  {
    int s = arr[a] / 10;
    if (s > 9) s = 9;
    if (s < 0) s = 0;
    slots[s]++;
  }
  for (int s = 0; s < 10; s++)
  {
    printf("%3d to %3d | ", s * 10, s * 10 + 9);
    for (int t = 0; t < slots[s]; t++) putchar('#');
    putchar('\\n');
  }
}

static int find(const int *arr, int len, int x)
{
  int lo = 0, hi = len - 1;
  while (lo <= hi)
  {
    int m = lo + (hi - lo) / 2;
    if (arr[m] == x) return m;
    if (arr[m] < x) lo = m + 1;
    else hi = m - 1;
  }
  return -1;
}

int main(int count, char **args)
{
  if (count < 2)
  {
    fprintf(stderr, "run it as: %s file\\n", args[0]);
    return 2;
  }
  int data[1000];
  int len = read_numbers(args[1], data, 1000);
  if (len <= 0) return 1;
  order(data, len);
  print_numbers(data, len);
  printf("the median is %.1f\\n", middle(data, len));
  bars(data, len);
  if (count > 2)
  {
    int x = atoi(args[2]);
    int where = find(data, len, x);
    printf(where >= 0 ? "at %d\\n" : "missing (%d)\\n", where);
  }
  return 0;
}
`;

/** Student C: the same assignment solved independently (selection sort, an average, a table). */
export const UNRELATED_C = `#include "util.h"
#include <string.h>

typedef struct {
    int value;
    int rank;
} Entry;

static int compare_entries(const void *left, const void *right) {
    const Entry *x = left;
    const Entry *y = right;
    return x->value - y->value;
}

static void rank_all(Entry *entries, size_t size) {
    qsort(entries, size, sizeof(Entry), compare_entries);
    size_t position = 0;
    while (position < size) {
        entries[position].rank = (int)position + 1;
        position += 1;
    }
}

static double average(const Entry *entries, size_t size) {
    long total = 0;
    for (size_t at = 0; at != size; ++at) total += entries[at].value;
    return size ? (double)total / (double)size : 0.0;
}

int main(int argc, char *argv[]) {
    int raw[500];
    const char *file = argc > 1 ? argv[1] : "scores.txt";
    int got = read_numbers(file, raw, 500);
    if (got < 0) {
        return EXIT_FAILURE;
    }
    Entry *entries = calloc((size_t)got, sizeof *entries);
    if (!entries) return EXIT_FAILURE;
    for (int at = 0; at < got; ++at) entries[at].value = raw[at];
    rank_all(entries, (size_t)got);
    printf("%-6s %s\\n", "rank", "score");
    for (int at = got - 1; at >= 0; --at) {
        printf("%-6d %d\\n", entries[at].rank, entries[at].value);
    }
    printf("average: %.2f\\n", average(entries, (size_t)got));
    if (argc > 2 && strcmp(argv[2], "--top") == 0 && got > 0) {
        printf("best: %d\\n", entries[got - 1].value);
    }
    free(entries);
    return EXIT_SUCCESS;
}
`;

/** Student D: another independent solution, in Python. */
export const UNRELATED_PY = `"""Grade statistics, written by student D."""
import sys
from collections import Counter


def load(path):
    # one score per line, blank lines ignored
    with open(path) as handle:
        return [int(line) for line in handle if line.strip()]


def describe(scores):
    """Return the minimum, the maximum and the mode."""
    counts = Counter(scores)
    mode, _ = counts.most_common(1)[0]
    return min(scores), max(scores), mode


def letter(score):
    for bound, grade in ((90, "A"), (80, "B"), (70, "C"), (60, "D")):
        if score >= bound:
            return grade
    return "F"


def main(argv):
    if len(argv) < 2:
        print("usage: stats.py FILE", file=sys.stderr)
        return 2
    scores = load(argv[1])
    low, high, mode = describe(scores)
    print(f"low {low} high {high} mode {mode}")
    grades = Counter(letter(s) for s in scores)
    for grade in "ABCDF":
        print(grade, grades.get(grade, 0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
`;

/** The 1-based line of the first line of `text` that contains `marker`. */
export function lineOf(text: string, marker: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(marker));
  if (index < 0) throw new Error(`no line holds ${marker}`);
  return index + 1;
}
