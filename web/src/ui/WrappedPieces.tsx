/**
 * Text that may wrap only between its pieces, each piece kept whole: an e-mail address (`Email.tsx`), a
 * file name (`FileName.tsx`). A piece longer than `longPiece` is marked `data-long`, for a column that
 * lets such a piece break anywhere rather than widen past the window.
 */
import { Fragment } from 'react';

export function WrappedPieces({ pieces, longPiece }: { pieces: string[]; longPiece?: number }) {
  return pieces.map((piece, index) => (
    <Fragment key={index}>
      {index > 0 && <wbr />}
      <span data-long={(longPiece !== undefined && piece.length > longPiece) || undefined}>{piece}</span>
    </Fragment>
  ));
}
