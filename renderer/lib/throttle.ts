/** Runs `fn` at once, then at most once per `ms`: calls in between are folded into one trailing run. */
export function throttle(fn: () => void, ms: number): { call: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  const release = () => {
    timer = undefined;
    if (!pending) return;
    pending = false;
    fire();
  };
  const fire = () => {
    fn();
    timer = setTimeout(release, ms);
  };
  return {
    call: () => {
      if (timer === undefined) fire();
      else pending = true;
    },
    cancel: () => {
      clearTimeout(timer);
      timer = undefined;
      pending = false;
    },
  };
}
