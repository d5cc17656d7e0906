import { gql } from "@apollo/client";

export const SESSION_FIELDS = gql`
  fragment SessionFields on TokenPair {
    accessToken
    refreshToken
    expiresIn
  }
`;

export const VIEWER = gql`
  query Viewer {
    viewer {
      id
      email
      displayName
    }
  }
`;

export const REGISTER = gql`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      tokens {
        ...SessionFields
      }
    }
  }
  ${SESSION_FIELDS}
`;

export const LOG_IN = gql`
  mutation LogIn($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      ...SessionFields
    }
  }
  ${SESSION_FIELDS}
`;

export const REFRESH_SESSION = gql`
  mutation RefreshSession($refreshToken: String!) {
    refreshTokens(refreshToken: $refreshToken) {
      ...SessionFields
    }
  }
  ${SESSION_FIELDS}
`;

export const LOG_OUT = gql`
  mutation LogOut($refreshToken: String!) {
    logout(refreshToken: $refreshToken)
  }
`;
