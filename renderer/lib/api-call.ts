/** One operation of the endpoint table over fetch: the session's anti-CSRF value on a change, the answer checked against the table. */
import { callApi, type CallInput } from '../../shared/api-client.ts';
import type { AnswerOf, OperationId } from '../../shared/endpoints/index.ts';
import { ApiError, readError } from './api-error.ts';
import { FileTransfers } from './api-files.ts';

export class ApiCalls extends FileTransfers {
  protected call<K extends OperationId>(operation: K, input: CallInput<K> = {} as CallInput<K>): Promise<AnswerOf<K>> {
    return callApi(
      async (request) => {
        let res: Response;
        try {
          const body = request.body === undefined ? undefined : JSON.stringify(request.body);
          const headers = this.headers(body !== undefined, request.method !== 'get');
          res = await fetch(this.base + request.path, { method: request.method.toUpperCase(), headers, body });
        } catch {
          throw new ApiError(0, 'The coordinator cannot be reached; check that it is running.');
        }
        if (!res.ok) throw this.refused(await readError(res));
        return { status: res.status, body: await res.json() };
      },
      operation,
      input,
    );
  }
}
