/** Goes to a page of the dashboard (`#/jobs/…`, `#/runs/…`); the app's router follows the hash. */
export function navigate(hash: string): void {
  location.hash = hash;
}
