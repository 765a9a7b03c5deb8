// The second major under test, installed as an npm alias; it has the API of the typed one.
declare module 'express4' {
  import express from 'express';
  export default express;
}
