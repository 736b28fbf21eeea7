import { NotFoundState } from './states';

/** An address that leads to no screen: the same not-found state as a record that does not exist. */
export function NotFoundPage() {
  return <NotFoundState />;
}
