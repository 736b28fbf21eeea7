/** A file name on screen: it wraps only between its pieces (file-name-pieces.ts), each piece whole. */
import { fileNamePieces, LONG_PIECE } from './file-name-pieces';
import { WrappedPieces } from './WrappedPieces';

export function FileName({ name }: { name: string }) {
  return <WrappedPieces pieces={fileNamePieces(name)} longPiece={LONG_PIECE} />;
}
