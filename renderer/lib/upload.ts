/** A multipart POST with upload progress: XMLHttpRequest, because fetch cannot report how much was sent. */
import { ApiError } from './api-error.ts';

export interface FormResponse {
  status: number;
  text: string;
}

export interface SendFormOptions {
  onProgress?: (fraction: number) => void;
  /** The answer so far, as it streams in (a direct run's events). */
  onResponseText?: (text: string, status: number) => void;
  /** The answer's headers, once they arrive. */
  onHeaders?: (header: (name: string) => string | null, status: number) => void;
}

/** Resolves with the whole answer, whatever its status; rejects only when the connection fails. */
/** `headers`: the session's anti-CSRF value (the cookie goes by itself: same origin). */
export function sendForm(url: string, headers: Record<string, string>, form: FormData, options: SendFormOptions = {}): Promise<FormResponse> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && options.onProgress?.(e.loaded / e.total);
    xhr.onprogress = () => options.onResponseText?.(xhr.responseText, xhr.status);
    xhr.onreadystatechange = () => {
      if (xhr.readyState === XMLHttpRequest.HEADERS_RECEIVED) options.onHeaders?.((name) => xhr.getResponseHeader(name), xhr.status);
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted; check the connection to the coordinator and try again.'));
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
    xhr.send(form);
  });
}

/** The JSON body of an answer, or `{}` when it is not JSON. */
export function parseJson<T extends object>(text: string): Partial<T> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}
